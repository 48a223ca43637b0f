import type { AuditEventsTable, AuditHeadTable } from '../audit/tables.ts';
import type { LoginFlowsTable } from '../authn/flows/tables.ts';
import type { LoginThrottleTable, UsersTable } from '../identity/tables.ts';
import type { SessionsTable } from '../sessions/tables.ts';
import type { AuthnTables, CredentialTables, TradingTables } from './domain-tables.ts';

/** The whole database as Kysely sees it; each domain declares its own tables. */
export interface Database extends AuthnTables, TradingTables, CredentialTables {
  users: UsersTable;
  login_throttle: LoginThrottleTable;
  login_flows: LoginFlowsTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  audit_head: AuditHeadTable;
}
