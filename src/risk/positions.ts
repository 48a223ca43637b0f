/**
 * Position arithmetic: fills against a position, and a position's valuation.
 * Pure functions over exact decimals.
 *
 * A position is a signed quantity and a signed cost (Σ quantity × price of the
 * open lots, in price units, before the multiplier), so the average price is
 * cost / quantity. Closing part of a position removes the matching share of
 * cost; that share is the only division, rounded half-even at COST_SCALE.
 */

import { Decimal } from '../trading/decimal.ts';
import type { Instrument } from '../trading/instruments.ts';
import { toAccountCurrency } from '../trading/orders.ts';

export const COST_SCALE = 10;

export interface Position {
  readonly quantity: Decimal;
  readonly cost: Decimal;
}

export const FLAT: Position = Object.freeze({ quantity: Decimal.ZERO, cost: Decimal.ZERO });

export interface FillOutcome {
  readonly position: Position;
  /** Realised P&L in the account currency. */
  readonly realised: Decimal;
  /** Change of cash in the account currency (premium/price paid or received, or realised P&L for futures and FX). */
  readonly cashFlow: Decimal;
}

/** Futures and FX settle P&L; everything else exchanges the full price for the asset. */
export function isCashSettled(instrument: Instrument): boolean {
  return instrument.assetClass !== 'future' && instrument.assetClass !== 'forex';
}

function timesMultiplier(instrument: Instrument, amount: Decimal): Decimal {
  const m = instrument.multiplier;
  return m.units === 1n && m.scale === 0 ? amount : amount.mul(m);
}

/** Applies a signed fill quantity at a price to a position. */
export function applyFill(
  instrument: Instrument,
  position: Position,
  fill: Decimal,
  price: Decimal,
): FillOutcome {
  const q = position.quantity;
  let realisedRaw = Decimal.ZERO;
  let next: Position;
  if (q.isZero() || q.sign() === fill.sign()) {
    next = { quantity: q.add(fill), cost: position.cost.add(fill.mul(price)) };
  } else {
    const closing = Decimal.min(fill.abs(), q.abs());
    const fillClose = fill.isNegative() ? closing.neg() : closing;
    const removed = closing.eq(q.abs())
      ? position.cost
      : position.cost.mul(closing).div(q.abs(), Math.max(position.cost.scale, COST_SCALE), 'half-even');
    realisedRaw = fillClose.mul(price).neg().sub(removed);
    const rest = fill.sub(fillClose);
    next = rest.isZero()
      ? { quantity: q.add(fillClose), cost: position.cost.sub(removed) }
      : { quantity: rest, cost: rest.mul(price) };
  }
  const realised = toAccountCurrency(instrument, timesMultiplier(instrument, realisedRaw), price);
  const cashFlow = isCashSettled(instrument) ? timesMultiplier(instrument, fill.mul(price)).neg() : realised;
  return { position: next, realised, cashFlow };
}

export interface Valuation {
  /** Unrealised P&L at the mark, account currency. */
  readonly unrealised: Decimal;
  /** What the position adds to equity: market value if cash-settled, else unrealised P&L. */
  readonly equity: Decimal;
}

export function valuePosition(instrument: Instrument, position: Position, mark: Decimal): Valuation {
  if (position.quantity.isZero()) return { unrealised: Decimal.ZERO, equity: Decimal.ZERO };
  const marketRaw = position.quantity.mul(mark);
  const unrealised = toAccountCurrency(
    instrument,
    timesMultiplier(instrument, marketRaw.sub(position.cost)),
    mark,
  );
  const equity = isCashSettled(instrument) ? timesMultiplier(instrument, marketRaw) : unrealised;
  return { unrealised, equity };
}

/** Average entry price, rounded half-even at the given scale; undefined when flat. */
export function averagePrice(position: Position, scale: number): Decimal | undefined {
  return position.quantity.isZero() ? undefined : position.cost.div(position.quantity, scale, 'half-even');
}
