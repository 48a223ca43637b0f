/**
 * What is left of each symbol's displayed size on its current quote. Fills
 * on one quote share its displayed size (placing, modifying and the resting
 * orders worked on that quote, across accounts, first come first served); a
 * new quote shows fresh sizes. The quantity rule itself is `fillableQuantity`
 * in `venue.ts`.
 */
import { Decimal } from './decimal.ts';
import type { Side } from './orders.ts';
import type { Quote } from './quotes.ts';
import { fillableQuantity } from './venue.ts';

interface Taken {
  readonly quote: Quote;
  bid: Decimal;
  ask: Decimal;
}

export class TouchLiquidity {
  readonly #taken = new Map<string, Taken>();

  #of(quote: Quote): Taken {
    let t = this.#taken.get(quote.symbol);
    if (t === undefined || t.quote !== quote) {
      t = { quote, bid: Decimal.ZERO, ask: Decimal.ZERO };
      this.#taken.set(quote.symbol, t);
    }
    return t;
  }

  /** How much of `remaining` can fill now on `quote` (buys against the ask size, sells against the bid size). */
  fillable(side: Side, quote: Quote, remaining: Decimal): Decimal {
    const t = this.#of(quote);
    return fillableQuantity(side, quote, remaining, side === 'buy' ? t.ask : t.bid);
  }

  /** Records a fill of `quantity` against the quote's displayed size. */
  take(side: Side, quote: Quote, quantity: Decimal): void {
    const t = this.#of(quote);
    if (side === 'buy') t.ask = t.ask.add(quantity);
    else t.bid = t.bid.add(quantity);
  }
}
