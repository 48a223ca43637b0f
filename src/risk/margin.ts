/**
 * The margin model: how much of the account's funds a position ties up.
 *
 * Account equity = cash + market value of cash-settled positions (stocks,
 * ETFs, options, forecast contracts; shorts count negative) + unrealised P&L
 * of futures and FX. A position's requirement is what it ties up on top of
 * that; available funds = equity − Σ initial requirements − reservations of
 * open orders. Because short proceeds sit in cash and the short's value is a
 * liability in equity, a requirement never double-counts a premium.
 *
 * | product | cash account | margin account (initial / maintenance) |
 * |---|---|---|
 * | stock, ETF long | 100% of value | 50% / 25% of value |
 * | stock, ETF short | not allowed | 50% / 25% of value (with proceeds: 150% Reg T) |
 * | long option | 100% of premium | 100% of premium (no loan value) |
 * | short call, covered by shares | 0 | 0 |
 * | short put, cash-secured (level 2, or cash account) | strike × multiplier | strike × multiplier |
 * | short option, uncovered (margin, level 3 puts / 4 calls) | not allowed | max(20% × underlying − OTM, 10% × (underlying for calls, strike for puts)) × multiplier |
 * | future | not allowed | fixed initial / maintenance per contract |
 * | FX | not allowed | marginRate × notional (both) |
 * | forecast long | price × quantity | same |
 * | forecast short | (1 − price) × quantity (the most it can lose) | same |
 */

import { Decimal, dec } from '../trading/decimal.ts';
import type { Instrument, OptionInstrument } from '../trading/instruments.ts';
import { notionalValue } from '../trading/orders.ts';
import type { AccountType, OptionLevel } from './types.ts';

export const STOCK_INITIAL_RATE = dec('0.50');
export const STOCK_MAINTENANCE_RATE = dec('0.25');
export const UNCOVERED_OPTION_RATE = dec('0.20');
export const UNCOVERED_OPTION_MINIMUM_RATE = dec('0.10');

export type MarginKind = 'initial' | 'maintenance';

export interface MarginInput {
  readonly instrument: Instrument;
  /** Signed position quantity (negative = short). */
  readonly quantity: Decimal;
  /** Price the position is valued at. */
  readonly price: Decimal;
  readonly accountType: AccountType;
  readonly optionLevel: OptionLevel;
  /** Underlying price; needed for uncovered short options. */
  readonly underlyingPrice?: Decimal;
  /** For short calls: whether shares of the underlying cover the whole short. */
  readonly coveredCall?: boolean;
}

/** Whether a short option is margined as uncovered (rather than covered or cash-secured). */
export function isUncoveredShort(input: MarginInput): boolean {
  const i = input.instrument;
  if (i.assetClass !== 'option' || !input.quantity.isNegative()) return false;
  if (i.right === 'call') return input.coveredCall !== true;
  return input.accountType === 'margin' && input.optionLevel >= 3;
}

function shortOptionRequirement(input: MarginInput, option: OptionInstrument): Decimal {
  const contracts = input.quantity.abs().mul(option.multiplier);
  if (option.right === 'call' && input.coveredCall === true) return Decimal.ZERO;
  if (!isUncoveredShort(input)) return option.strike.mul(contracts); // cash-secured put
  const underlying = input.underlyingPrice;
  if (underlying === undefined) throw new TypeError(`Uncovered ${option.symbol} needs an underlying price`);
  const otm = option.right === 'call' ? option.strike.sub(underlying) : underlying.sub(option.strike);
  const outOfMoney = otm.isPositive() ? otm : Decimal.ZERO;
  const base = UNCOVERED_OPTION_RATE.mul(underlying).sub(outOfMoney);
  const floor = UNCOVERED_OPTION_MINIMUM_RATE.mul(option.right === 'call' ? underlying : option.strike);
  return Decimal.max(base, floor).mul(contracts);
}

/** Requirement of a position, in the account currency; zero for a flat position. */
export function marginRequirement(input: MarginInput, kind: MarginKind = 'initial'): Decimal {
  const { instrument, quantity, price } = input;
  if (quantity.isZero()) return Decimal.ZERO;
  switch (instrument.assetClass) {
    case 'stock':
    case 'etf': {
      const value = notionalValue(instrument, quantity, price);
      if (input.accountType === 'cash') return value;
      return value.mul(kind === 'initial' ? STOCK_INITIAL_RATE : STOCK_MAINTENANCE_RATE);
    }
    case 'option':
      return quantity.isPositive()
        ? notionalValue(instrument, quantity, price)
        : shortOptionRequirement(input, instrument);
    case 'future':
      return quantity.abs().mul(kind === 'initial' ? instrument.initialMargin : instrument.maintenanceMargin);
    case 'forex':
      return notionalValue(instrument, quantity, price).mul(instrument.marginRate);
    case 'forecast':
      return quantity.isPositive()
        ? notionalValue(instrument, quantity, price)
        : notionalValue(instrument, quantity, instrument.multiplier.sub(price));
  }
}

/**
 * What an order ties up: the rise in initial requirement from the worst-case
 * position before it (position plus same-side open orders) to after it, at the
 * order's price. Never negative: an order that lowers the requirement needs
 * nothing (and frees nothing until it fills).
 */
export function orderRequirement(
  before: MarginInput,
  signedOrderQuantity: Decimal,
  coveredAfter?: boolean,
): Decimal {
  const after: MarginInput = {
    ...before,
    quantity: before.quantity.add(signedOrderQuantity),
    ...(coveredAfter === undefined ? {} : { coveredCall: coveredAfter }),
  };
  const delta = marginRequirement(after).sub(marginRequirement(before));
  return delta.isPositive() ? delta : Decimal.ZERO;
}
