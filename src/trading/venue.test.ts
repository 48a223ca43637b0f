import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CATALOGUE } from './catalogue.ts';
import { dec } from './decimal.ts';
import type { OrderRequest } from './orders.ts';
import type { Quote } from './quotes.ts';
import { dayOver, fillableQuantity, match } from './venue.ts';

const quote: Quote = { symbol: 'AAPL', bid: dec('99.98'), ask: dec('100.02'), last: dec('100.00'), at: 0 };
const order = (o: Partial<OrderRequest>): OrderRequest =>
  ({
    symbol: 'AAPL',
    side: 'buy',
    type: 'limit',
    quantity: dec('1'),
    timeInForce: 'day',
    ...o,
  }) as OrderRequest;

test('a market buy fills at the ask and a market sell at the bid', () => {
  assert.equal(match(order({ type: 'market' }), quote, false).price?.toString(), '100.02');
  assert.equal(match(order({ type: 'market', side: 'sell' }), quote, false).price?.toString(), '99.98');
});

test('a limit buy at the ask fills there; one tick below rests', () => {
  assert.equal(match(order({ limitPrice: dec('100.02') }), quote, false).price?.toString(), '100.02');
  assert.equal(match(order({ limitPrice: dec('100.01') }), quote, false).price, undefined);
});

test('a limit buy above the ask fills at the ask, not at its limit', () => {
  assert.equal(match(order({ limitPrice: dec('101') }), quote, false).price?.toString(), '100.02');
});

test('a limit sell fills at the bid when the bid reaches it', () => {
  assert.equal(
    match(order({ side: 'sell', limitPrice: dec('99.98') }), quote, false).price?.toString(),
    '99.98',
  );
  assert.equal(match(order({ side: 'sell', limitPrice: dec('99.99') }), quote, false).price, undefined);
});

test('a buy stop triggers when the ask reaches the stop, then fills as a market order', () => {
  assert.deepEqual(match(order({ type: 'stop', stopPrice: dec('100.03') }), quote, false), {
    triggered: false,
  });
  const hit = match(order({ type: 'stop', stopPrice: dec('100.02') }), quote, false);
  assert.equal(hit.triggered, true);
  assert.equal(hit.price?.toString(), '100.02');
});

test('a triggered stop-limit rests as a limit order until marketable', () => {
  const o = order({ type: 'stop_limit', stopPrice: dec('100.00'), limitPrice: dec('100.01') });
  const first = match(o, quote, false);
  assert.equal(first.triggered, true);
  assert.equal(first.price, undefined);
  const later = match(o, { ...quote, ask: dec('100.01') }, true);
  assert.equal(later.price?.toString(), '100.01');
});

test('a day order’s day ends when its venue closes, or at UTC midnight for venues open around the clock', () => {
  const aapl = DEFAULT_CATALOGUE.get('AAPL')!;
  const forecast = DEFAULT_CATALOGUE.get('FEDCUT-27MAR')!;
  const t0 = Date.parse('2026-11-23T15:00:00Z');
  assert.equal(dayOver(aapl, t0, t0 + 3_600_000, true), false);
  assert.equal(dayOver(aapl, t0, t0 + 7 * 3_600_000, false), true);
  assert.equal(dayOver(forecast, t0, t0 + 3_600_000, true), false);
  assert.equal(dayOver(forecast, t0, Date.parse('2026-11-24T00:00:01Z'), true), true);
});

const sized: Quote = { ...quote, bidSize: dec('300'), askSize: dec('500') };

test('an executable order fills at most the displayed size at the touch: buys take the ask size, sells the bid size', () => {
  assert.equal(fillableQuantity('buy', sized, dec('800')).toString(), '500');
  assert.equal(fillableQuantity('sell', sized, dec('800')).toString(), '300');
  assert.equal(fillableQuantity('buy', sized, dec('120')).toString(), '120');
});

test('size already taken on the same quote is not shown again; once it is used up nothing fills', () => {
  assert.equal(fillableQuantity('buy', sized, dec('800'), dec('450')).toString(), '50');
  assert.equal(fillableQuantity('buy', sized, dec('800'), dec('500')).toString(), '0');
  assert.equal(fillableQuantity('sell', sized, dec('10'), dec('295.5')).toString(), '4.5');
});

test('a quote without displayed sizes (made by hand) fills the whole remainder', () => {
  assert.equal(fillableQuantity('buy', quote, dec('1000000')).toString(), '1000000');
  assert.equal(fillableQuantity('sell', quote, dec('7'), dec('999')).toString(), '7');
});
