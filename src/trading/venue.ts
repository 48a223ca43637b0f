/**
 * The paper venue's matching rule, pure: does an order execute against a
 * quote, at what price, and how much of it. Marketable orders fill at the
 * simulated ask (buys) or bid (sells); stops trigger when the touch crosses
 * the stop and then behave as market (stop) or limit (stop_limit) orders.
 * A fill takes at most what the quote still displays at the touch; the rest
 * of the order waits for later quotes (IOC: expires).
 */
import { Decimal } from './decimal.ts';
import type { Instrument } from './instruments.ts';
import type { OrderRequest, Side } from './orders.ts';
import type { Quote } from './quotes.ts';

export interface MatchResult {
  /** The stop has been touched (now or before). */
  readonly triggered: boolean;
  /** Execution price when the order executes now. */
  readonly price?: Decimal;
}

export function match(order: OrderRequest, quote: Quote, alreadyTriggered: boolean): MatchResult {
  const buy = order.side === 'buy';
  const touch = buy ? quote.ask : quote.bid;
  let triggered = alreadyTriggered;
  if (order.type === 'stop' || order.type === 'stop_limit') {
    const stop = order.stopPrice;
    if (!triggered && stop !== undefined) triggered = buy ? quote.ask.gte(stop) : quote.bid.lte(stop);
    if (!triggered) return { triggered: false };
  } else {
    triggered = true;
  }
  if (order.type === 'market' || order.type === 'stop') return { triggered, price: touch };
  const limit = order.limitPrice;
  if (limit === undefined) return { triggered };
  const crosses = buy ? touch.lte(limit) : touch.gte(limit);
  return crosses ? { triggered, price: touch } : { triggered };
}

/**
 * How much of an executable order's `remaining` quantity fills on this quote:
 * min(remaining, displayed size at the touch − what earlier fills on the same
 * quote `taken`). A quote without a displayed size is unlimited.
 */
export function fillableQuantity(
  side: Side,
  quote: Quote,
  remaining: Decimal,
  taken: Decimal = Decimal.ZERO,
): Decimal {
  const shown = side === 'buy' ? quote.askSize : quote.bidSize;
  if (shown === undefined) return remaining;
  return Decimal.max(Decimal.ZERO, Decimal.min(remaining, shown.sub(taken)));
}

const DAY_MS = 86_400_000;

/**
 * Whether a day order's day is over: its venue has closed since (the caller
 * passes whether it is in session now); for venues open around the clock,
 * the UTC date has changed.
 */
export function dayOver(instrument: Instrument, createdAt: number, now: number, inSession: boolean): boolean {
  if (instrument.calendar.name === '24x7') return Math.floor(now / DAY_MS) > Math.floor(createdAt / DAY_MS);
  return !inSession;
}
