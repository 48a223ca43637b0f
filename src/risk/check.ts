/**
 * The contract every pre-trade check satisfies, and the input they share.
 *
 * `prepareCheckInput` resolves once what several checks need (instrument,
 * position, same-side open quantity, whether the order reduces, reference
 * price, valuation price and notional), so each check is a few comparisons.
 */

import type { Decimal } from '../trading/decimal.ts';
import type { Instrument } from '../trading/instruments.ts';
import { notionalValue, type OrderRequest } from '../trading/orders.ts';
import type { Denial, DenialCode } from './codes.ts';
import { isReducing, referencePriceOf, valuationPrice } from './exposure.ts';
import type { RiskStateView } from './state-view.ts';
import type { RiskContext } from './types.ts';

export interface CheckInput {
  readonly order: OrderRequest;
  readonly state: RiskStateView;
  readonly ctx: RiskContext;
  /** Undefined when the symbol is unknown (the instrument check denies it). */
  readonly instrument: Instrument | undefined;
  /** Signed position in the symbol. */
  readonly position: Decimal;
  /** Remaining quantity of open orders on the order's side. */
  readonly openSameSide: Decimal;
  /** The order shrinks the position and cannot flip it even if all same-side open orders fill. */
  readonly reducing: boolean;
  readonly reference: Decimal | undefined;
  /** Limit price, else stop price, else reference. */
  readonly price: Decimal | undefined;
  /** Order value in the account currency at `price`. */
  readonly notional: Decimal | undefined;
}

export interface RiskCheck {
  /** snake_case name, stable: used in logs, audit events and docs. */
  readonly name: string;
  /** Every code the check can return. */
  readonly codes: readonly DenialCode[];
  readonly description: string;
  /** Pure: reads its input, returns null when the order passes. */
  readonly run: (input: CheckInput) => Denial | null;
}

export function prepareCheckInput(order: OrderRequest, state: RiskStateView, ctx: RiskContext): CheckInput {
  const instrument = ctx.catalogue.get(order.symbol);
  const position = state.positionQuantity(order.symbol);
  const openSameSide = state.openQuantity(order.symbol, order.side);
  const reducing = isReducing(order.side, order.quantity, position, openSameSide);
  if (instrument === undefined) {
    return {
      order,
      state,
      ctx,
      instrument,
      position,
      openSameSide,
      reducing,
      reference: undefined,
      price: undefined,
      notional: undefined,
    };
  }
  const reference = referencePriceOf(instrument, ctx);
  const price = valuationPrice(order, reference);
  const notional = notionalValue(instrument, order.quantity, price);
  return { order, state, ctx, instrument, position, openSameSide, reducing, reference, price, notional };
}

/** Builds a denial; values are rendered as text (Decimals in canonical form). */
export function deny(
  check: string,
  code: DenialCode,
  message: string,
  values: Record<string, Decimal | string | number | undefined>,
): Denial {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) rendered[key] = String(value);
  return { code, check, message, values: rendered };
}
