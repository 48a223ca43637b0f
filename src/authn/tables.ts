/** The authn and devices domains' tables (migration 0002_authn). Timestamps are Unix ms. */
export interface AuthnFactorsTable {
  id: string;
  user_id: string;
  method: string;
  label: string;
  status: string;
  /** The mobile or desktop device that holds the key (push, device_key). */
  device_id: string | null;
  /** The factor's data as JSON, sealed under the key ring with the factor id as associated data. */
  sealed_data: string;
  created_at: number;
  confirmed_at: number | null;
  last_used_at: number | null;
  removed_at: number | null;
  /** Compare-and-set counter: two concurrent uses cannot both advance a factor. */
  version: number;
}

export interface DevicesTable {
  id: string;
  user_id: string;
  kind: string;
  name: string;
  state: string;
  /** Browser devices: SHA-256 of the device cookie. */
  cookie_hash: string | null;
  /** Mobile/desktop: the id derived from the public key. */
  key_id: string | null;
  public_key_pem: string | null;
  algorithm: string | null;
  remembered_until: number | null;
  created_at: number;
  last_seen_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface PushChallengesTable {
  id: string;
  user_id: string;
  purpose: string;
  flow_id: string | null;
  number: number;
  choices: string;
  words: string;
  context: string;
  status: string;
  decided_by_device: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
}

export interface SmsChallengesTable {
  id: string;
  user_id: string;
  factor_id: string;
  flow_id: string;
  code_hash: string;
  attempts: number;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface DeviceEnrollmentsTable {
  id: string;
  user_id: string;
  kind: string;
  code_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  device_id: string | null;
}

export interface AlertsTable {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  data: string;
  created_at: number;
  read_at: number | null;
}

export interface AuthnSecretsTable {
  name: string;
  sealed: string;
  created_at: number;
}

export interface AuthnDomainTables {
  authn_factors: AuthnFactorsTable;
  devices: DevicesTable;
  push_challenges: PushChallengesTable;
  sms_challenges: SmsChallengesTable;
  device_enrollments: DeviceEnrollmentsTable;
  alerts: AlertsTable;
  authn_secrets: AuthnSecretsTable;
}
