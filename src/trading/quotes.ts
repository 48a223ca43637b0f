/**
 * Quotes: the `QuoteSource` contract and a deterministic simulated feed.
 *
 * The simulator keeps each price as an integer number of ticks, so every
 * quote is exactly on tick and exactly representable as a Decimal. Each step
 * draws a move in ticks from a per-instrument seeded generator:
 *   move ≈ N(0, σ·√Δt) × price        (forecast: N(0, σ·√Δt) × √(p(1−p)))
 * and rounds it stochastically to whole ticks (floor(x + u)), so small moves
 * are not lost. Prices stay ≥ 1 tick; forecast contracts stay inside (0, 1).
 * The float draw only decides how many ticks to move; no price is ever a float.
 * Each quote also shows a displayed size at the bid and at the ask
 * (`sizes.ts`), drawn from a second per-instrument stream in whole lots.
 */

import { Decimal } from './decimal.ts';
import type { Instrument } from './instruments.ts';
import { gaussian, mulberry32, type Random, seedFor } from './prng.ts';
import { DisplayedSizes } from './sizes.ts';

export interface Quote {
  readonly symbol: string;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly last: Decimal;
  /** Epoch milliseconds of the quote (simulated time for the simulator). */
  readonly at: number;
  /** True when the quote is delayed (no real-time entitlement). */
  readonly delayed?: boolean;
  /**
   * Displayed size at the bid / ask, in the instrument's quantity units: the
   * most the venue fills at that price on this quote. Absent means unlimited.
   */
  readonly bidSize?: Decimal;
  readonly askSize?: Decimal;
}

export type QuoteListener = (quote: Quote) => void;

export interface QuoteSource {
  getQuote(symbol: string): Quote | undefined;
  /** Calls the listener with every new quote of the symbols; returns an unsubscribe function. */
  subscribe(symbols: readonly string[], listener: QuoteListener): () => void;
}

export interface SimulatedFeedOptions {
  readonly instruments: readonly Instrument[];
  readonly seed: number;
  /** Simulated time of step 0 (epoch ms). Default 0, so quotes are fully reproducible. */
  readonly startAt?: number;
  /** Simulated time per step in ms (default 1000). */
  readonly stepMs?: number;
  /** Marks every quote as delayed. */
  readonly delayed?: boolean;
  /** Receives errors thrown by listeners (default: ignored, so one bad listener cannot stop the feed). */
  readonly onListenerError?: (error: unknown) => void;
}

interface Track {
  readonly instrument: Instrument;
  readonly random: Random;
  readonly sizes: DisplayedSizes;
  /** σ·√Δt for one step. */
  readonly sigmaStep: number;
  readonly minTicks: number;
  readonly maxTicks: number;
  ticks: number;
  quote: Quote;
}

const YEAR_MS = 365.25 * 86_400_000;

function priceAt(tickSize: Decimal, ticks: number): Decimal {
  return Decimal.of(tickSize.units * BigInt(ticks), tickSize.scale);
}

function ticksOf(instrument: Instrument, price: Decimal): number {
  return Number(price.div(instrument.tickSize, 0, 'half-even').units);
}

export class SimulatedQuoteFeed implements QuoteSource {
  readonly #tracks = new Map<string, Track>();
  readonly #listeners = new Map<string, Set<QuoteListener>>();
  readonly #startAt: number;
  readonly #stepMs: number;
  readonly #delayed: boolean;
  readonly #onListenerError: (error: unknown) => void;
  #step = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SimulatedFeedOptions) {
    this.#startAt = options.startAt ?? 0;
    this.#stepMs = options.stepMs ?? 1000;
    this.#delayed = options.delayed ?? false;
    this.#onListenerError = options.onListenerError ?? (() => {});
    if (!(this.#stepMs > 0)) throw new TypeError('stepMs must be positive');
    const sqrtDt = Math.sqrt(this.#stepMs / YEAR_MS);
    for (const instrument of options.instruments) {
      const forecast = instrument.assetClass === 'forecast';
      const track: Track = {
        instrument,
        random: mulberry32(seedFor(options.seed, instrument.symbol)),
        sizes: new DisplayedSizes(instrument, mulberry32(seedFor(options.seed, `${instrument.symbol}#size`))),
        sigmaStep: instrument.volatility * sqrtDt,
        minTicks: 1,
        maxTicks: forecast ? ticksOf(instrument, instrument.multiplier) - 1 : Number.MAX_SAFE_INTEGER,
        ticks: ticksOf(instrument, instrument.referencePrice),
        quote: undefined as unknown as Quote,
      };
      track.quote = this.#quoteFor(track);
      this.#tracks.set(instrument.symbol, track);
    }
  }

  /** Number of steps taken so far. */
  get step(): number {
    return this.#step;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  getQuote(symbol: string): Quote | undefined {
    return this.#tracks.get(symbol)?.quote;
  }

  subscribe(symbols: readonly string[], listener: QuoteListener): () => void {
    const unknown = symbols.filter((s) => !this.#tracks.has(s));
    if (unknown.length > 0)
      throw new TypeError(`Unknown symbols for quote subscription: ${unknown.join(', ')}`);
    for (const symbol of symbols) {
      let set = this.#listeners.get(symbol);
      if (set === undefined) {
        set = new Set();
        this.#listeners.set(symbol, set);
      }
      set.add(listener);
    }
    return () => {
      for (const symbol of symbols) this.#listeners.get(symbol)?.delete(listener);
    };
  }

  /** Moves every instrument forward by `steps` and notifies subscribers of each new quote. */
  advance(steps = 1): void {
    for (let i = 0; i < steps; i++) {
      this.#step++;
      for (const track of this.#tracks.values()) {
        this.#move(track);
        track.quote = this.#quoteFor(track);
        this.#notify(track.quote);
      }
    }
  }

  /** Advances one step every `intervalMs` of wall time; the timer never keeps the process alive. */
  start(intervalMs = this.#stepMs): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.advance(1), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #move(track: Track): void {
    const { instrument, random } = track;
    const z = gaussian(random);
    let scale: number;
    if (instrument.assetClass === 'forecast') {
      const p = track.ticks / (track.maxTicks + 1);
      scale = Math.sqrt(p * (1 - p)) * (track.maxTicks + 1);
    } else {
      scale = track.ticks;
    }
    const moveTicks = Math.floor(z * track.sigmaStep * scale + random());
    track.ticks = Math.min(track.maxTicks, Math.max(track.minTicks, track.ticks + moveTicks));
  }

  #quoteFor(track: Track): Quote {
    const { instrument, random } = track;
    const below = random() < 0.5 ? 1 : 2;
    const above = random() < 0.5 ? 1 : 2;
    const bidTicks = Math.max(track.minTicks, track.ticks - below);
    const askTicks = Math.min(track.maxTicks, track.ticks + above);
    const tick = instrument.tickSize;
    const quote: Quote = {
      symbol: instrument.symbol,
      bid: priceAt(tick, bidTicks),
      ask: priceAt(tick, askTicks > bidTicks ? askTicks : bidTicks + 1),
      last: priceAt(tick, track.ticks),
      bidSize: track.sizes.next(),
      askSize: track.sizes.next(),
      at: this.#startAt + this.#step * this.#stepMs,
      ...(this.#delayed ? { delayed: true } : {}),
    };
    return Object.freeze(quote);
  }

  #notify(quote: Quote): void {
    const listeners = this.#listeners.get(quote.symbol);
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(quote);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
