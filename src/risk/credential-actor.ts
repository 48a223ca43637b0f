/**
 * The actor of an order: the member's role, plus — for a program's credential
 * (API key, delegated token, OAuth grant) — its constraints as the pipeline's
 * `CredentialLimits`. A credential holding `order.place_reduce_only` but not
 * `order.place` may only reduce positions.
 */
import type { CredentialPrincipal } from '../credentials/principal.ts';
import { grantedActions } from '../credentials/scopes.ts';
import type { Principal } from '../policy/principal.ts';
import { Decimal } from '../trading/decimal.ts';
import type { AssetClass } from '../trading/instruments.ts';
import type { OrderType } from '../trading/orders.ts';
import type { Actor, CredentialLimits, Role } from './types.ts';

const AMOUNT_SCALE = 18; // CompiledConstraints keep money in 10^-18 units

export function credentialLimitsOf(p: CredentialPrincipal): CredentialLimits {
  const c = p.constraints;
  const granted = grantedActions(p.scopes);
  const reduceOnly = !granted.has('order.place') && granted.has('order.place_reduce_only');
  return {
    id: p.credentialId,
    kind: p.kind === 'api_key' ? 'api_key' : 'delegated_token',
    ...(c.symbols ? { allowedSymbols: c.symbols } : {}),
    ...(c.assetClasses ? { allowedAssetClasses: c.assetClasses as ReadonlySet<AssetClass> } : {}),
    ...(c.orderTypes ? { allowedOrderTypes: c.orderTypes as ReadonlySet<OrderType> } : {}),
    ...(c.maxOrderNotional !== undefined
      ? { maxOrderNotional: Decimal.of(c.maxOrderNotional, AMOUNT_SCALE) }
      : {}),
    ...(c.maxDailyNotional !== undefined
      ? { maxDailyNotional: Decimal.of(c.maxDailyNotional, AMOUNT_SCALE) }
      : {}),
    ...(c.maxOpenOrders !== undefined ? { maxOpenOrders: c.maxOpenOrders } : {}),
    ...(reduceOnly ? { reduceOnly: true } : {}),
  };
}

export function actorOf(principal: Principal, role: Role): Actor {
  return principal.kind === 'session' ? { role } : { role, credential: credentialLimitsOf(principal) };
}
