/**
 * The pre-trade pipeline: fourteen small pure checks in a fixed order; the
 * first denial wins.
 *
 * | # | check | codes |
 * |---|---|---|
 * | 1 | trading_state | TRADING_HALTED, TRADING_REDUCING_ONLY, REDUCE_ONLY_WOULD_INCREASE |
 * | 2 | role | ROLE_CANNOT_TRADE |
 * | 3 | product_permission | PRODUCT_NOT_PERMITTED, INSTRUMENT_NOT_ELIGIBLE, MARGIN_ACCOUNT_REQUIRED, OPTION_LEVEL_INSUFFICIENT |
 * | 4 | instrument | INSTRUMENT_UNKNOWN, INSTRUMENT_EXPIRED, MARKET_CLOSED |
 * | 5 | order_sanity | SIDE_INVALID … PRICE_OUT_OF_RANGE |
 * | 6 | price_collar | PRICE_OUTSIDE_COLLAR |
 * | 7 | order_size | QUANTITY_EXCEEDS_MAX, NOTIONAL_EXCEEDS_MAX |
 * | 8 | open_orders | OPEN_ORDERS_EXCEEDED |
 * | 9 | position_limit | POSITION_LIMIT_EXCEEDED |
 * | 10 | daily_loss | DAILY_LOSS_LIMIT_EXCEEDED |
 * | 11 | buying_power | INSUFFICIENT_BUYING_POWER |
 * | 12 | duplicate | DUPLICATE_ORDER |
 * | 13 | throttle | ORDER_RATE_EXCEEDED |
 * | 14 | credential_limits | CREDENTIAL_* |
 */

import type { OrderRequest } from '../trading/orders.ts';
import { type CheckInput, prepareCheckInput, type RiskCheck } from './check.ts';
import { productPermissionCheck, roleCheck, tradingStateCheck } from './checks/access.ts';
import { credentialLimitsCheck, duplicateCheck, throttleCheck } from './checks/flow.ts';
import {
  buyingPowerCheck,
  dailyLossCheck,
  openOrdersCheck,
  orderSizeCheck,
  positionLimitCheck,
  priceCollarCheck,
} from './checks/limits.ts';
import { instrumentCheck, orderSanityCheck } from './checks/order-shape.ts';
import type { Denial, DenialCode } from './codes.ts';
import type { RiskStateView } from './state-view.ts';
import type { RiskContext } from './types.ts';

export const RISK_CHECKS: readonly RiskCheck[] = Object.freeze([
  tradingStateCheck,
  roleCheck,
  productPermissionCheck,
  instrumentCheck,
  orderSanityCheck,
  priceCollarCheck,
  orderSizeCheck,
  openOrdersCheck,
  positionLimitCheck,
  dailyLossCheck,
  buyingPowerCheck,
  duplicateCheck,
  throttleCheck,
  credentialLimitsCheck,
]);

export interface RiskCheckDescription {
  readonly order: number;
  readonly name: string;
  readonly codes: readonly DenialCode[];
  readonly description: string;
}

/** The ordered check table, for docs and admin listings. */
export const RISK_CHECK_TABLE: readonly RiskCheckDescription[] = Object.freeze(
  RISK_CHECKS.map((c, i) =>
    Object.freeze({ order: i + 1, name: c.name, codes: c.codes, description: c.description }),
  ),
);

export type PipelineResult = { readonly ok: true } | { readonly ok: false; readonly denial: Denial };

const OK: PipelineResult = Object.freeze({ ok: true });

/** Runs the checks in order against a prepared input; the first denial wins. */
export function runChecks(input: CheckInput, checks: readonly RiskCheck[] = RISK_CHECKS): PipelineResult {
  for (let i = 0; i < checks.length; i++) {
    const denial = checks[i]!.run(input);
    if (denial !== null) return { ok: false, denial };
  }
  return OK;
}

/** Decides whether an order may go to the venue. Pure: reads the state, never changes it. */
export function runPipeline(order: OrderRequest, state: RiskStateView, ctx: RiskContext): PipelineResult {
  return runChecks(prepareCheckInput(order, state, ctx));
}
