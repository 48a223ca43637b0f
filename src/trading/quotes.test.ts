import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_CATALOGUE, getInstrument } from './catalogue.ts';
import { dec } from './decimal.ts';
import { type Quote, SimulatedQuoteFeed } from './quotes.ts';
import { DISPLAYED_SIZE_RANGE } from './sizes.ts';

const instruments = DEFAULT_CATALOGUE.all();
const HOUR = 3_600_000;

function trail(feed: SimulatedQuoteFeed, symbol: string, steps: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < steps; i++) {
    feed.advance();
    const q = feed.getQuote(symbol)!;
    out.push(`${q.bid}/${q.ask}/${q.last}@${q.at}`);
  }
  return out;
}

describe('SimulatedQuoteFeed', () => {
  test('when two feeds share a seed then they produce the same sequence', () => {
    const a = new SimulatedQuoteFeed({ instruments, seed: 42, stepMs: HOUR });
    const b = new SimulatedQuoteFeed({ instruments, seed: 42, stepMs: HOUR });
    assert.deepEqual(trail(a, 'TSLA', 200), trail(b, 'TSLA', 200));
  });

  test('when the seed differs then the sequence differs', () => {
    const a = new SimulatedQuoteFeed({ instruments, seed: 42, stepMs: HOUR });
    const b = new SimulatedQuoteFeed({ instruments, seed: 43, stepMs: HOUR });
    assert.notDeepEqual(trail(a, 'TSLA', 50), trail(b, 'TSLA', 50));
  });

  test('when other instruments are added then an instrument keeps its own sequence', () => {
    const all = new SimulatedQuoteFeed({ instruments, seed: 7, stepMs: HOUR });
    const one = new SimulatedQuoteFeed({ instruments: [getInstrument('NVDA')!], seed: 7, stepMs: HOUR });
    assert.deepEqual(trail(all, 'NVDA', 100), trail(one, 'NVDA', 100));
  });

  test('when prices walk then they actually move, stay positive, on tick, and bid < ask', () => {
    const feed = new SimulatedQuoteFeed({ instruments, seed: 1, stepMs: HOUR });
    const first = feed.getQuote('ES')!;
    for (let i = 0; i < 500; i++) {
      feed.advance();
      for (const instrument of instruments) {
        const q = feed.getQuote(instrument.symbol)!;
        for (const p of [q.bid, q.ask, q.last]) {
          assert.ok(p.isPositive(), instrument.symbol);
          assert.ok(p.isMultipleOf(instrument.tickSize), instrument.symbol);
        }
        assert.ok(q.bid.lt(q.ask) && q.bid.lte(q.last) && q.last.lte(q.ask), instrument.symbol);
      }
    }
    assert.notEqual(feed.getQuote('ES')!.last.toString(), first.last.toString());
  });

  test('when forecast contracts walk with high volatility then they stay strictly inside (0, 1)', () => {
    const f = { ...getInstrument('HURRICANE-CAT5-27')!, volatility: 4.9 } as (typeof instruments)[number];
    const feed = new SimulatedQuoteFeed({ instruments: [f], seed: 3, stepMs: 30 * 86_400_000 });
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      feed.advance();
      const q = feed.getQuote(f.symbol)!;
      for (const p of [q.bid, q.ask, q.last]) assert.ok(p.isPositive() && p.lt(dec('1')), p.toString());
      seen.add(q.last.toString());
    }
    assert.ok(seen.has('0.01') || seen.has('0.99'), 'the walk should reach a bound at this volatility');
  });

  test('when quoting then each side displays a size in whole lots inside its asset class’s range', () => {
    const feed = new SimulatedQuoteFeed({ instruments, seed: 11, stepMs: HOUR });
    for (let i = 0; i < 50; i++) {
      feed.advance();
      for (const instrument of instruments) {
        const q = feed.getQuote(instrument.symbol)!;
        const { min, max } = DISPLAYED_SIZE_RANGE[instrument.assetClass];
        for (const size of [q.bidSize, q.askSize]) {
          assert.ok(size !== undefined, instrument.symbol);
          assert.ok(size.gte(min) && size.lte(max), `${instrument.symbol} ${size}`);
          assert.ok(size.isMultipleOf(instrument.lotSize), `${instrument.symbol} ${size}`);
        }
      }
    }
    const eurusd = feed.getQuote('EURUSD')!;
    assert.ok(eurusd.askSize!.gte(dec('1000000')) && eurusd.askSize!.isMultipleOf(dec('1000')));
  });

  test('when two feeds share a seed then they display the same sizes; sizes change from quote to quote', () => {
    const sizes = (seed: number) => {
      const feed = new SimulatedQuoteFeed({ instruments, seed, stepMs: HOUR });
      const out: string[] = [];
      for (let i = 0; i < 30; i++) {
        feed.advance();
        const q = feed.getQuote('ES')!;
        out.push(`${q.bidSize}x${q.askSize}`);
      }
      return out;
    };
    assert.deepEqual(sizes(5), sizes(5));
    assert.notDeepEqual(sizes(5), sizes(6));
    assert.ok(new Set(sizes(5)).size > 1);
  });

  test('when subscribed then the listener gets each new quote until it unsubscribes', () => {
    const feed = new SimulatedQuoteFeed({ instruments, seed: 9, startAt: 1_000, stepMs: 250 });
    const got: Quote[] = [];
    const unsubscribe = feed.subscribe(['AAPL', 'EURUSD'], (q) => got.push(q));
    feed.advance(3);
    assert.equal(got.length, 6);
    assert.deepEqual(
      got.filter((q) => q.symbol === 'AAPL').map((q) => q.at),
      [1_250, 1_500, 1_750],
    );
    unsubscribe();
    feed.advance();
    assert.equal(got.length, 6);
  });

  test('when a listener throws then other listeners still receive quotes and the error is reported', () => {
    const errors: unknown[] = [];
    const feed = new SimulatedQuoteFeed({ instruments, seed: 9, onListenerError: (e) => errors.push(e) });
    let received = 0;
    feed.subscribe(['AAPL'], () => {
      throw new Error('boom');
    });
    feed.subscribe(['AAPL'], () => received++);
    feed.advance(2);
    assert.equal(received, 2);
    assert.equal(errors.length, 2);
  });

  test('when subscribing to an unknown symbol then TypeError', () => {
    const feed = new SimulatedQuoteFeed({ instruments, seed: 1 });
    assert.throws(() => feed.subscribe(['NOPE'], () => {}), TypeError);
  });

  test('when marked delayed then every quote says so', () => {
    const feed = new SimulatedQuoteFeed({ instruments, seed: 1, delayed: true });
    assert.equal(feed.getQuote('SPY')?.delayed, true);
    assert.equal(new SimulatedQuoteFeed({ instruments, seed: 1 }).getQuote('SPY')?.delayed, undefined);
  });

  test('when started then the timer streams quotes and stop halts it', async () => {
    const feed = new SimulatedQuoteFeed({ instruments: [getInstrument('KO')!], seed: 5 });
    feed.start(5);
    assert.equal(feed.running, true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    feed.stop();
    const steps = feed.step;
    assert.ok(steps >= 2, `expected some steps, got ${steps}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(feed.step, steps);
    assert.equal(feed.running, false);
  });
});
