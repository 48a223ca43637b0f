/**
 * Order-derived quantities shared by the checks and the state updates:
 * whether an order reduces, the worst-case position, covered-call status, the
 * price an order is valued at and what it ties up. All O(1) state reads.
 */

import { Decimal } from '../trading/decimal.ts';
import type { Instrument, OptionInstrument } from '../trading/instruments.ts';
import type { OrderRequest, Side } from '../trading/orders.ts';
import { type MarginInput, orderRequirement } from './margin.ts';
import type { RiskStateView } from './state-view.ts';
import type { RiskContext } from './types.ts';

/**
 * An order reduces when it is on the opposite side of an existing position
 * and, even if every open order on its side fills too, cannot flip it.
 */
export function isReducing(side: Side, quantity: Decimal, position: Decimal, openSameSide: Decimal): boolean {
  if (!quantity.isPositive()) return false;
  if (side === 'buy') return position.isNegative() && openSameSide.add(quantity).lte(position.neg());
  if (side === 'sell') return position.isPositive() && openSameSide.add(quantity).lte(position);
  return false;
}

/** Position if every open order on this side fills (signed). */
export function worstCasePosition(side: Side, position: Decimal, openSameSide: Decimal): Decimal {
  return side === 'buy' ? position.add(openSameSide) : position.sub(openSameSide);
}

/** Short call exposure of one call series in share-equivalents: max(0, open sells − position) × multiplier. */
export function seriesCallExposure(option: OptionInstrument, position: Decimal, openSells: Decimal): Decimal {
  if (option.right !== 'call') return Decimal.ZERO;
  const short = openSells.sub(position);
  return short.isPositive() ? short.mul(option.multiplier) : Decimal.ZERO;
}

/** Shares of the underlying that remain if every open sell of it fills. */
export function worstCaseShares(state: RiskStateView, underlying: string): Decimal {
  return state.positionQuantity(underlying).sub(state.openQuantity(underlying, 'sell'));
}

export interface CallCover {
  /** Underlying exposure now and if the order is accepted (share-equivalents). */
  readonly exposureBefore: Decimal;
  readonly exposureAfter: Decimal;
  readonly shares: Decimal;
  readonly coveredBefore: boolean;
  readonly coveredAfter: boolean;
}

/** How a sell of a call option changes the cover of short calls on its underlying. */
export function callCover(
  state: RiskStateView,
  option: OptionInstrument,
  side: Side,
  quantity: Decimal,
): CallCover {
  const position = state.positionQuantity(option.symbol);
  const openSells = state.openQuantity(option.symbol, 'sell');
  const exposureBefore = state.shortCallExposure(option.underlying);
  const added =
    side === 'sell'
      ? seriesCallExposure(option, position, openSells.add(quantity)).sub(
          seriesCallExposure(option, position, openSells),
        )
      : Decimal.ZERO;
  const exposureAfter = exposureBefore.add(added);
  const shares = worstCaseShares(state, option.underlying);
  return {
    exposureBefore,
    exposureAfter,
    shares,
    coveredBefore: shares.gte(exposureBefore),
    coveredAfter: shares.gte(exposureAfter),
  };
}

/** Reference price: the price source's, else the instrument's own reference. */
export function referencePriceOf(instrument: Instrument, ctx: RiskContext): Decimal {
  return ctx.prices.referencePrice(instrument.symbol) ?? instrument.referencePrice;
}

/** Price an order is valued at: its limit, else its stop, else the reference. */
export function valuationPrice(order: OrderRequest, reference: Decimal): Decimal {
  return order.limitPrice ?? order.stopPrice ?? reference;
}

export function underlyingPriceOf(instrument: Instrument, ctx: RiskContext): Decimal | undefined {
  if (instrument.assetClass !== 'option') return undefined;
  const underlying = ctx.catalogue.get(instrument.underlying);
  return ctx.prices.referencePrice(instrument.underlying) ?? underlying?.referencePrice;
}

/**
 * What accepting the order ties up (see margin.ts): the rise in initial
 * requirement from the worst-case position on its side to that plus the order.
 */
export function orderMarginRequirement(
  order: OrderRequest,
  instrument: Instrument,
  state: RiskStateView,
  ctx: RiskContext,
  price: Decimal,
): Decimal {
  const position = state.positionQuantity(order.symbol);
  const base = worstCasePosition(order.side, position, state.openQuantity(order.symbol, order.side));
  const cover =
    instrument.assetClass === 'option' && instrument.right === 'call'
      ? callCover(state, instrument, order.side, order.quantity)
      : undefined;
  const underlyingPrice = underlyingPriceOf(instrument, ctx);
  const before: MarginInput = {
    instrument,
    quantity: base,
    price,
    accountType: ctx.account.accountType,
    optionLevel: ctx.account.permissions.options,
    ...(underlyingPrice === undefined ? {} : { underlyingPrice }),
    ...(cover === undefined ? {} : { coveredCall: cover.coveredBefore }),
  };
  const signed = order.side === 'buy' ? order.quantity : order.quantity.neg();
  return orderRequirement(before, signed, cover?.coveredAfter);
}

/** Identity of an order for duplicate detection: symbol, side, type, quantity and prices. */
export function orderFingerprint(order: OrderRequest): string {
  return `${order.symbol}|${order.side}|${order.type}|${order.quantity}|${order.limitPrice ?? ''}|${order.stopPrice ?? ''}`;
}
