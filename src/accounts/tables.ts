/** Rows of the accounts domain (see migration 0003). JSON columns hold small objects as text. */
export interface LegalEntitiesTable {
  id: string;
  name: string;
  region: string;
  base_currency: string;
  /** JSON array of asset classes offered. */
  products: string;
  /** JSON object: strongest second factor → daily withdrawal limit (decimal text). */
  withdrawal_limits: string;
}

export interface AccountsTable {
  id: string;
  entity_id: string;
  parent_id: string | null;
  name: string;
  kind: string;
  account_type: string;
  base_currency: string;
  status: string;
  environment: string;
  permissions: string;
  subscriptions: string;
  limits: string;
  trading_state: string;
  halted_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface AccountMembersTable {
  account_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface PermissionRequestsTable {
  id: string;
  account_id: string;
  user_id: string;
  product: string;
  level: number | null;
  status: string;
  created_at: number;
}

export interface AccountsDomainTables {
  legal_entities: LegalEntitiesTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  permission_requests: PermissionRequestsTable;
}
