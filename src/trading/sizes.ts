/**
 * Displayed size for the simulated feed: how much the venue shows at the
 * bid and at the ask, in the instrument's quantity units. Each instrument
 * draws its sizes from its own seeded stream (separate from its price
 * stream, so adding sizes did not change any price path), uniformly in a
 * per-asset-class range, in whole lots.
 */
import { Decimal, dec } from './decimal.ts';
import type { AssetClass, Instrument } from './instruments.ts';
import type { Random } from './prng.ts';

/** Displayed size range per asset class (quantity units), wide enough that ordinary orders fill at once. */
export const DISPLAYED_SIZE_RANGE: Readonly<Record<AssetClass, { min: Decimal; max: Decimal }>> = {
  stock: { min: dec('500'), max: dec('5000') },
  etf: { min: dec('500'), max: dec('5000') },
  option: { min: dec('50'), max: dec('500') },
  future: { min: dec('20'), max: dec('200') },
  forex: { min: dec('1000000'), max: dec('5000000') },
  forecast: { min: dec('1000'), max: dec('10000') },
};

/** Draws displayed sizes of one instrument: whole lots, inside its class's range (at least one lot). */
export class DisplayedSizes {
  readonly #lot: Decimal;
  readonly #minLots: number;
  readonly #spanLots: number;
  readonly #random: Random;

  constructor(instrument: Instrument, random: Random) {
    const { min, max } = DISPLAYED_SIZE_RANGE[instrument.assetClass];
    this.#lot = instrument.lotSize;
    const minLots = Math.max(1, Number(min.div(this.#lot, 0, 'ceil').units));
    const maxLots = Math.max(minLots, Number(max.div(this.#lot, 0, 'floor').units));
    this.#minLots = minLots;
    this.#spanLots = maxLots - minLots + 1;
    this.#random = random;
  }

  /** One displayed size. */
  next(): Decimal {
    const lots = this.#minLots + Math.floor(this.#random() * this.#spanLots);
    return this.#lot.mul(Decimal.from(lots));
  }
}
