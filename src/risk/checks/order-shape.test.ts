import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OrderRequest } from '../../trading/orders.ts';
import { makeContext, makeOrder, makeState, runCheck } from '../testing.ts';
import { instrumentCheck, orderSanityCheck } from './order-shape.ts';

const ctx = makeContext();
const state = makeState();
const sanity = (order: OrderRequest) => runCheck(orderSanityCheck, order, state, ctx);

describe('instrument check', () => {
  test('when the symbol is in the catalogue and in session then accepted', () => {
    assert.equal(runCheck(instrumentCheck, makeOrder(), state, ctx), null);
  });

  test('when the symbol is unknown then INSTRUMENT_UNKNOWN', () => {
    const denial = runCheck(instrumentCheck, makeOrder({ symbol: 'ZZZZ' }), state, ctx);
    assert.equal(denial?.code, 'INSTRUMENT_UNKNOWN');
    assert.equal(denial?.values['symbol'], 'ZZZZ');
  });

  test('when the last second of the session then accepted, and at the close MARKET_CLOSED', () => {
    const lastSecond = makeContext({ now: Date.parse('2026-11-23T20:59:59Z') });
    const atClose = makeContext({ now: Date.parse('2026-11-23T21:00:00Z') });
    assert.equal(runCheck(instrumentCheck, makeOrder(), state, lastSecond), null);
    const denial = runCheck(instrumentCheck, makeOrder(), state, atClose);
    assert.equal(denial?.code, 'MARKET_CLOSED');
    assert.equal(denial?.values['status'], 'closed');
  });

  test('when it is an exchange holiday then MARKET_CLOSED with status holiday', () => {
    const thanksgiving = makeContext({ now: Date.parse('2026-11-26T16:00:00Z') });
    assert.equal(runCheck(instrumentCheck, makeOrder(), state, thanksgiving)?.values['status'], 'holiday');
  });

  test('when an option is past its last trading day then INSTRUMENT_EXPIRED; on that day accepted', () => {
    const order = makeOrder({ symbol: 'AAPL270319C180', quantity: '1', limitPrice: '22.40' });
    const expiryDay = makeContext({ now: Date.parse('2027-03-19T15:00:00Z') });
    const after = makeContext({ now: Date.parse('2027-03-22T15:00:00Z') });
    assert.equal(runCheck(instrumentCheck, order, state, expiryDay), null);
    assert.equal(runCheck(instrumentCheck, order, state, after)?.code, 'INSTRUMENT_EXPIRED');
  });
});

describe('order_sanity check', () => {
  test('when side, type or time in force are unknown then their codes', () => {
    assert.equal(sanity(makeOrder({ side: 'short' as never }))?.code, 'SIDE_INVALID');
    assert.equal(sanity(makeOrder({ type: 'iceberg' as never }))?.code, 'ORDER_TYPE_INVALID');
    assert.equal(sanity(makeOrder({ timeInForce: 'fok' as never }))?.code, 'TIME_IN_FORCE_INVALID');
  });

  test('when a market order is day then accepted, and gtc is TIME_IN_FORCE_INVALID', () => {
    assert.equal(sanity(makeOrder({ type: 'market', limitPrice: undefined, timeInForce: 'day' })), null);
    const gtc = sanity(makeOrder({ type: 'market', limitPrice: undefined, timeInForce: 'gtc' }));
    assert.equal(gtc?.code, 'TIME_IN_FORCE_INVALID');
  });

  test('when a stop order is ioc then TIME_IN_FORCE_INVALID, and gtc accepted', () => {
    const stop = { type: 'stop', limitPrice: undefined, stopPrice: '180.00' } as const;
    assert.equal(sanity(makeOrder({ ...stop, timeInForce: 'ioc' }))?.code, 'TIME_IN_FORCE_INVALID');
    assert.equal(sanity(makeOrder({ ...stop, timeInForce: 'gtc' })), null);
  });

  test('when quantity is one lot then accepted; zero or negative is QUANTITY_NOT_POSITIVE', () => {
    assert.equal(sanity(makeOrder({ quantity: '1' })), null);
    assert.equal(sanity(makeOrder({ quantity: '0' }))?.code, 'QUANTITY_NOT_POSITIVE');
    assert.equal(sanity(makeOrder({ quantity: '-5' }))?.code, 'QUANTITY_NOT_POSITIVE');
  });

  test('when FX quantity is 1000 (one lot) then accepted, and 1500 is QUANTITY_NOT_LOT_MULTIPLE', () => {
    const fx = (q: string) => makeOrder({ symbol: 'EURUSD', quantity: q, limitPrice: '1.08500' });
    assert.equal(sanity(fx('1000')), null);
    const denial = sanity(fx('1500'));
    assert.equal(denial?.code, 'QUANTITY_NOT_LOT_MULTIPLE');
    assert.equal(denial?.values['lot_size'], '1000');
    assert.equal(sanity(makeOrder({ quantity: '0.5' }))?.code, 'QUANTITY_NOT_LOT_MULTIPLE');
  });

  test('when a limit order has no limit price then LIMIT_PRICE_MISSING; stop without stop price STOP_PRICE_MISSING', () => {
    assert.equal(sanity(makeOrder({ limitPrice: undefined }))?.code, 'LIMIT_PRICE_MISSING');
    assert.equal(sanity(makeOrder({ type: 'stop', limitPrice: undefined }))?.code, 'STOP_PRICE_MISSING');
    assert.equal(sanity(makeOrder({ type: 'stop_limit' }))?.code, 'STOP_PRICE_MISSING');
    assert.equal(sanity(makeOrder({ type: 'stop_limit', stopPrice: '185.00' })), null);
  });

  test('when a market order carries a limit price or a limit order a stop price then PRICE_NOT_ALLOWED', () => {
    const market = sanity(makeOrder({ type: 'market' }));
    assert.equal(market?.code, 'PRICE_NOT_ALLOWED');
    assert.equal(market?.values['field'], 'limit_price');
    const limit = sanity(makeOrder({ stopPrice: '180.00' }));
    assert.equal(limit?.code, 'PRICE_NOT_ALLOWED');
    assert.equal(limit?.values['field'], 'stop_price');
  });

  test('when the price is on tick then accepted; half a tick off is PRICE_NOT_ON_TICK', () => {
    assert.equal(sanity(makeOrder({ limitPrice: '190.01' })), null);
    const denial = sanity(makeOrder({ limitPrice: '190.005' }));
    assert.equal(denial?.code, 'PRICE_NOT_ON_TICK');
    assert.equal(denial?.values['tick'], '0.01');
    const es = makeOrder({ symbol: 'ES', quantity: '1', limitPrice: '5500.10' });
    assert.equal(sanity(es)?.code, 'PRICE_NOT_ON_TICK');
  });

  test('when a price is zero or negative then PRICE_NOT_POSITIVE', () => {
    assert.equal(sanity(makeOrder({ limitPrice: '0' }))?.code, 'PRICE_NOT_POSITIVE');
    assert.equal(
      sanity(makeOrder({ type: 'stop', limitPrice: undefined, stopPrice: '-1.00' }))?.code,
      'PRICE_NOT_POSITIVE',
    );
  });

  test('when a forecast price is 0.99 then accepted; 1.00 is PRICE_OUT_OF_RANGE', () => {
    const f = (p: string) => makeOrder({ symbol: 'FEDCUT-27MAR', limitPrice: p });
    assert.equal(sanity(f('0.99')), null);
    assert.equal(sanity(f('1.00'))?.code, 'PRICE_OUT_OF_RANGE');
  });
});
