import type { AuthnDomainTables } from '../authn/tables.ts';
import type { CredentialDomainTables } from '../credentials/tables.ts';

import type { TradingDomainTables } from '../trading/tables.ts';

/**
 * The tables each later domain adds, gathered here so that the Database type
 * stays one interface. Each domain owns its own line: it points at the
 * domain's own `tables.ts`.
 */
export interface AuthnTables extends AuthnDomainTables {}
export interface TradingTables extends TradingDomainTables {}
export interface CredentialTables extends CredentialDomainTables {}
