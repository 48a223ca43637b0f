/**
 * Tables of the credentials domain. Timestamps are integer Unix ms; JSON
 * columns hold non-secret lists. Secrets: an HMAC secret is sealed under the
 * key ring (`sealed_secret`, bound to its row by associated data); an Ed25519
 * key keeps only the client's public key.
 */
export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  kind: 'hmac' | 'ed25519';
  /** JSON array of scope names. */
  scopes: string;
  /** JSON CredentialConstraints. */
  constraints: string;
  status: 'active' | 'suspended' | 'revoked';
  status_reason: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  last_used_ip: string | null;
  use_count: number;
  denied_count: number;
  updated_at: number;
}

/** One secret of a key: the current one and, during a rotation, the previous one in its grace window. */
export interface ApiKeySecretsTable {
  id: string;
  key_id: string;
  sealed_secret: string | null;
  public_key: string | null;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  grace_until: number | null;
  revoked_at: number | null;
}

/** Which accounts a key covers (for the kill switch's "every key of this account"). */
export interface ApiKeyAccountsTable {
  key_id: string;
  account_id: string;
}

/** The credential epoch per account: a bump kills every delegated token minted before it. */
export interface CredentialEpochsTable {
  account_id: string;
  epoch: number;
  updated_at: number;
}

export interface DelegatedTokensTable {
  id: string;
  user_id: string;
  /** JSON array of account ids. */
  accounts: string;
  scopes: string;
  api_key_id: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** Server-side secrets of the domain (the delegated-token signing key), sealed under the key ring. */
export interface CredentialServerKeysTable {
  name: string;
  sealed: string;
  created_at: number;
}

/** oidc-provider's storage (one row per model instance), see oauth/adapter.ts. */
export interface OauthStoreTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface CredentialDomainTables {
  api_keys: ApiKeysTable;
  api_key_secrets: ApiKeySecretsTable;
  api_key_accounts: ApiKeyAccountsTable;
  credential_epochs: CredentialEpochsTable;
  delegated_tokens: DelegatedTokensTable;
  credential_server_keys: CredentialServerKeysTable;
  oauth_store: OauthStoreTable;
}
