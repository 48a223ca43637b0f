/**
 * Pre-trade pipeline latency on a heavy account: 10,000 open orders and
 * 1,000 positions, reference prices from the simulated quote feed. Times the
 * full `runPipeline` for typical limit orders, one sample per call.
 *
 * Run directly: node bench/risk/pipeline.ts
 */

import { runPipeline } from '../../src/risk/pipeline.ts';
import { AccountRiskState } from '../../src/risk/state.ts';
import { MONDAY_10AM_NY } from '../../src/risk/testing.ts';
import { DEFAULT_RISK_LIMITS, pricesFromQuotes, type RiskContext } from '../../src/risk/types.ts';
import { createCatalogue } from '../../src/trading/catalogue.ts';
import { dec } from '../../src/trading/decimal.ts';
import { type Instrument, stock } from '../../src/trading/instruments.ts';
import type { OrderRequest } from '../../src/trading/orders.ts';
import { SimulatedQuoteFeed } from '../../src/trading/quotes.ts';
import { SEED_INSTRUMENTS } from '../../src/trading/seed-instruments.ts';

export interface BenchResult {
  name: string;
  medianUs: number;
  p99Us: number;
  iterations: number;
}

const POSITIONS = 1_000;
const OPEN_ORDERS = 10_000;
const WARMUP = 10_000;
const SAMPLES = 50_000;

function syntheticStocks(count: number): Instrument[] {
  return Array.from({ length: count }, (_, i) =>
    stock({
      symbol: `SYN${String(i).padStart(4, '0')}`,
      name: `Synthetic ${i}`,
      price: '100.00',
      volatility: 0.3,
    }),
  );
}

function heavyAccount(): { state: AccountRiskState; ctx: RiskContext } {
  const synthetic = syntheticStocks(POSITIONS);
  const catalogue = createCatalogue([...SEED_INSTRUMENTS, ...synthetic]);
  const feed = new SimulatedQuoteFeed({ instruments: catalogue.all(), seed: 1 });
  const ctx: RiskContext = {
    now: MONDAY_10AM_NY,
    catalogue,
    prices: pricesFromQuotes(feed),
    account: {
      accountType: 'margin',
      region: 'US',
      permissions: { stocks: true, options: 2, futures: true, forex: true, forecast: true },
    },
    actor: {
      role: 'trader',
      credential: { id: 'bench-key', kind: 'api_key', maxOrderNotional: dec('100000') },
    },
    limits: { ...DEFAULT_RISK_LIMITS, maxOpenOrders: 20_000 },
  };
  const state = new AccountRiskState({ cash: dec('100000000') });
  for (const [i, instrument] of synthetic.entries()) {
    state.seedPosition(instrument.symbol, dec(String(100 + i)), dec('100.00'), ctx);
  }
  const past = { ...ctx, now: ctx.now - 60_000 }; // outside the duplicate and throttle windows
  for (let i = 0; i < OPEN_ORDERS; i++) {
    const symbol = synthetic[i % POSITIONS]!.symbol;
    const order: OrderRequest = {
      symbol,
      side: i % 2 === 0 ? 'buy' : 'sell',
      type: 'limit',
      quantity: dec('10'),
      limitPrice: dec(i % 2 === 0 ? '99.50' : '100.50'),
      timeInForce: 'gtc',
    };
    state.recordAccepted(`bench-${i}`, order, past);
  }
  return { state, ctx };
}

const TYPICAL_ORDERS: readonly OrderRequest[] = [
  {
    symbol: 'AAPL',
    side: 'buy',
    type: 'limit',
    quantity: dec('100'),
    limitPrice: dec('189.50'),
    timeInForce: 'day',
  },
  {
    symbol: 'SYN0042',
    side: 'sell',
    type: 'limit',
    quantity: dec('20'),
    limitPrice: dec('100.25'),
    timeInForce: 'day',
  },
  {
    symbol: 'MSFT',
    side: 'buy',
    type: 'limit',
    quantity: dec('25'),
    limitPrice: dec('419.75'),
    timeInForce: 'gtc',
  },
  {
    symbol: 'SYN0777',
    side: 'buy',
    type: 'limit',
    quantity: dec('50'),
    limitPrice: dec('99.90'),
    timeInForce: 'day',
  },
];

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function benchRiskPipeline(): Promise<BenchResult> {
  const { state, ctx } = heavyAccount();
  for (const order of TYPICAL_ORDERS) {
    const result = runPipeline(order, state, ctx);
    if (!result.ok) throw new Error(`Bench order ${order.symbol} was denied: ${result.denial.code}`);
  }
  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += runPipeline(TYPICAL_ORDERS[i & 3]!, state, ctx).ok ? 1 : 0;
  const samples = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const order = TYPICAL_ORDERS[i & 3]!;
    const start = process.hrtime.bigint();
    const result = runPipeline(order, state, ctx);
    const end = process.hrtime.bigint();
    sink += result.ok ? 1 : 0;
    samples[i] = Number(end - start) / 1_000;
  }
  if (sink !== WARMUP + SAMPLES) throw new Error('An order was denied during the benchmark');
  samples.sort();
  const round = (us: number) => Math.round(us * 100) / 100;
  return {
    name: `risk pipeline (${OPEN_ORDERS} open orders, ${POSITIONS} positions)`,
    medianUs: round(percentile(samples, 0.5)),
    p99Us: round(percentile(samples, 0.99)),
    iterations: SAMPLES,
  };
}

if (import.meta.main) {
  console.log(await benchRiskPipeline());
}
