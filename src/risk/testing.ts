/**
 * Fixtures for risk tests (and the benchmark): a context, a state and an
 * order with sensible defaults, each overridable field by field.
 */

import { DEFAULT_CATALOGUE } from '../trading/catalogue.ts';
import { type Decimal, dec } from '../trading/decimal.ts';
import type { OrderRequest } from '../trading/orders.ts';
import { type CheckInput, prepareCheckInput, type RiskCheck } from './check.ts';
import type { Denial } from './codes.ts';
import { AccountRiskState, type AccountRiskStateInit } from './state.ts';
import {
  type AccountProfile,
  type Actor,
  DEFAULT_RISK_LIMITS,
  NO_PRICES,
  type PriceSource,
  type ProductPermissions,
  type RiskContext,
  type RiskLimits,
} from './types.ts';

/** Monday 2026-11-23 10:00 New York: US equities, futures, FX and forecasts all in session. */
export const MONDAY_10AM_NY = Date.parse('2026-11-23T15:00:00Z');

export const FULL_MARGIN_ACCOUNT: AccountProfile = Object.freeze({
  accountType: 'margin',
  region: 'US',
  permissions: Object.freeze({ stocks: true, options: 4, futures: true, forex: true, forecast: true }),
});

export interface ContextOverrides {
  readonly now?: number;
  readonly account?: Partial<Omit<AccountProfile, 'permissions'>> & {
    permissions?: Partial<ProductPermissions>;
  };
  readonly actor?: Actor;
  readonly limits?: Partial<RiskLimits>;
  readonly prices?: PriceSource | Record<string, string>;
}

export function makeContext(overrides: ContextOverrides = {}): RiskContext {
  const prices = overrides.prices;
  const priceSource: PriceSource =
    prices === undefined
      ? NO_PRICES
      : 'referencePrice' in prices && typeof prices.referencePrice === 'function'
        ? (prices as PriceSource)
        : fixedPrices(prices as Record<string, string>);
  return {
    now: overrides.now ?? MONDAY_10AM_NY,
    catalogue: DEFAULT_CATALOGUE,
    prices: priceSource,
    account: {
      ...FULL_MARGIN_ACCOUNT,
      ...overrides.account,
      permissions: { ...FULL_MARGIN_ACCOUNT.permissions, ...overrides.account?.permissions },
    },
    actor: overrides.actor ?? { role: 'owner' },
    limits: { ...DEFAULT_RISK_LIMITS, ...overrides.limits },
  };
}

export function fixedPrices(prices: Record<string, string>): PriceSource {
  const map = new Map(Object.entries(prices).map(([s, p]) => [s, dec(p)]));
  return { referencePrice: (symbol) => map.get(symbol) };
}

export function makeState(init: Partial<AccountRiskStateInit> = {}): AccountRiskState {
  return new AccountRiskState({ cash: dec('1000000'), ...init });
}

type OrderOverrides = Omit<Partial<OrderRequest>, 'quantity' | 'limitPrice' | 'stopPrice'> & {
  quantity?: string | Decimal;
  limitPrice?: string | Decimal | undefined;
  stopPrice?: string | Decimal | undefined;
};

const asDecimal = (v: string | Decimal): Decimal => (typeof v === 'string' ? dec(v) : v);

/** A day limit buy of 10 AAPL at 190.00 unless overridden; pass limitPrice: undefined to drop it. */
export function makeOrder(overrides: OrderOverrides = {}): OrderRequest {
  const { quantity, limitPrice, stopPrice, ...rest } = overrides;
  const order: Record<string, unknown> = {
    symbol: 'AAPL',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    ...rest,
    quantity: asDecimal(quantity ?? '10'),
  };
  const limit = 'limitPrice' in overrides ? limitPrice : '190.00';
  if (limit !== undefined) order['limitPrice'] = asDecimal(limit);
  if (stopPrice !== undefined) order['stopPrice'] = asDecimal(stopPrice);
  return order as unknown as OrderRequest;
}

/** Runs one check on a prepared input. */
export function runCheck(
  check: RiskCheck,
  order: OrderRequest,
  state: AccountRiskState,
  ctx: RiskContext,
): Denial | null {
  const input: CheckInput = prepareCheckInput(order, state, ctx);
  return check.run(input);
}

/** Accepts an order straight into the state (bypassing checks) and returns its id. */
let nextId = 0;
export function accept(state: AccountRiskState, order: OrderRequest, ctx: RiskContext): string {
  const id = `o${++nextId}`;
  state.recordAccepted(id, order, ctx);
  return id;
}
