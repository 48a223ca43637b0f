/**
 * Order vocabulary and value arithmetic shared by trading and risk.
 */

import type { Decimal } from './decimal.ts';
import { ACCOUNT_CURRENCY, type Instrument } from './instruments.ts';

export const SIDES = ['buy', 'sell'] as const;
export type Side = (typeof SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIMES_IN_FORCE = ['day', 'gtc', 'ioc'] as const;
export type TimeInForce = (typeof TIMES_IN_FORCE)[number];

/** An order as submitted, before any check. */
export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Always positive; the side gives the direction. */
  readonly quantity: Decimal;
  readonly limitPrice?: Decimal;
  readonly stopPrice?: Decimal;
  readonly timeInForce: TimeInForce;
  /** The order may only reduce an existing position, never open or flip one. */
  readonly reduceOnly?: boolean;
}

/** Scale at which amounts converted into the account currency are rounded (half-even). */
export const CONVERSION_SCALE = 6;

/** Quantity with the side's sign: buys positive, sells negative. */
export function signedQuantity(side: Side, quantity: Decimal): Decimal {
  return side === 'buy' ? quantity : quantity.neg();
}

/**
 * Converts an amount in the instrument's currency into the account currency.
 * Instruments quote in the account currency, except FX pairs based on it
 * (USDJPY), whose quote-currency amounts convert at the given pair price.
 */
export function toAccountCurrency(instrument: Instrument, amount: Decimal, price: Decimal): Decimal {
  if (instrument.currency === ACCOUNT_CURRENCY) return amount;
  return amount.div(price, CONVERSION_SCALE, 'half-even');
}

/**
 * Value of a quantity at a price in the account currency (always ≥ 0 for a
 * positive quantity): price × quantity × multiplier. For a USD-based FX pair
 * the value is the base quantity itself, exactly.
 */
export function notionalValue(instrument: Instrument, quantity: Decimal, price: Decimal): Decimal {
  if (instrument.assetClass === 'forex' && instrument.currency !== ACCOUNT_CURRENCY) return quantity.abs();
  const value = price.mul(quantity.abs());
  return instrument.multiplier.units === 1n && instrument.multiplier.scale === 0
    ? value
    : value.mul(instrument.multiplier);
}

export function isOrderType(value: unknown): value is OrderType {
  return (ORDER_TYPES as readonly unknown[]).includes(value);
}

export function isSide(value: unknown): value is Side {
  return value === 'buy' || value === 'sell';
}

export function isTimeInForce(value: unknown): value is TimeInForce {
  return (TIMES_IN_FORCE as readonly unknown[]).includes(value);
}
