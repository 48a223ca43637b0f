import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dec } from '../../trading/decimal.ts';
import { orderFingerprint } from '../exposure.ts';
import { accept, MONDAY_10AM_NY, makeContext, makeOrder, makeState, runCheck } from '../testing.ts';
import type { CredentialLimits } from '../types.ts';
import { credentialLimitsCheck, duplicateCheck, throttleCheck } from './flow.ts';

const T0 = MONDAY_10AM_NY;
const at = (ms: number) => makeContext({ now: T0 + ms });

describe('duplicate check (window 2,000 ms)', () => {
  test('when the same order comes 2,000 ms later then accepted; at 1,999 ms DUPLICATE_ORDER', () => {
    const state = makeState();
    accept(state, makeOrder(), at(0));
    assert.equal(runCheck(duplicateCheck, makeOrder(), state, at(2_000)), null);
    const denial = runCheck(duplicateCheck, makeOrder(), state, at(1_999));
    assert.equal(denial?.code, 'DUPLICATE_ORDER');
    assert.deepEqual(denial?.values, { since_ms: '1999', window_ms: '2000' });
  });

  test('when quantity, price or side differ, or prices are written differently, then judged by value', () => {
    const state = makeState();
    accept(state, makeOrder(), at(0));
    assert.equal(runCheck(duplicateCheck, makeOrder({ quantity: '11' }), state, at(1)), null);
    assert.equal(runCheck(duplicateCheck, makeOrder({ limitPrice: '190.01' }), state, at(1)), null);
    assert.equal(runCheck(duplicateCheck, makeOrder({ side: 'sell' }), state, at(1)), null);
    assert.equal(
      runCheck(duplicateCheck, makeOrder({ limitPrice: '190.0' }), state, at(1))?.code,
      'DUPLICATE_ORDER',
    );
  });

  test('when many old fingerprints accumulate then they are pruned as new orders arrive', () => {
    const state = makeState();
    for (let i = 0; i < 100; i++) accept(state, makeOrder({ quantity: String(i + 1) }), at(i));
    accept(state, makeOrder({ quantity: '999' }), at(10_000));
    assert.equal(state.lastAcceptedAt(orderFingerprint(makeOrder({ quantity: '1' }))), undefined);
    assert.equal(state.lastAcceptedAt(orderFingerprint(makeOrder({ quantity: '999' }))), T0 + 10_000);
  });
});

describe('throttle check (5 orders per 1,000 ms)', () => {
  const limits = { throttle: { maxOrders: 5, windowMs: 1_000 } };

  function burst() {
    const state = makeState();
    for (let i = 0; i < 5; i++) accept(state, makeOrder({ quantity: String(i + 1) }), at(i * 10));
    return state;
  }

  test('when the fifth-latest order is exactly a window old then accepted; a millisecond sooner denied', () => {
    const state = burst(); // acceptances at 0, 10, 20, 30, 40
    assert.equal(runCheck(throttleCheck, makeOrder(), state, makeContext({ now: T0 + 1_000, limits })), null);
    const denial = runCheck(throttleCheck, makeOrder(), state, makeContext({ now: T0 + 999, limits }));
    assert.equal(denial?.code, 'ORDER_RATE_EXCEEDED');
    assert.equal(denial?.values['retry_after_ms'], '1');
  });

  test('when only four orders were accepted in the window then the fifth passes', () => {
    const state = makeState();
    for (let i = 0; i < 4; i++) accept(state, makeOrder({ quantity: String(i + 1) }), at(i));
    assert.equal(runCheck(throttleCheck, makeOrder(), state, makeContext({ now: T0 + 5, limits })), null);
  });

  test('when the throttle asks for more orders than the state remembers then TypeError (misconfiguration)', () => {
    const state = makeState({ throttleCapacity: 3 });
    assert.throws(() => runCheck(throttleCheck, makeOrder(), state, makeContext({ limits })), TypeError);
  });
});

describe('credential_limits check', () => {
  const key = (limits: Omit<CredentialLimits, 'id' | 'kind'>) =>
    makeContext({ actor: { role: 'trader', credential: { id: 'key-1', kind: 'api_key', ...limits } } });

  test('when no credential is involved then nothing is checked', () => {
    assert.equal(runCheck(credentialLimitsCheck, makeOrder(), makeState(), makeContext()), null);
  });

  test('when the symbol is allowed then accepted, otherwise CREDENTIAL_SYMBOL_NOT_ALLOWED', () => {
    const ctx = key({ allowedSymbols: new Set(['EURUSD', 'AAPL']) });
    assert.equal(runCheck(credentialLimitsCheck, makeOrder(), makeState(), ctx), null);
    const msft = makeOrder({ symbol: 'MSFT', limitPrice: '420.00' });
    assert.equal(
      runCheck(credentialLimitsCheck, msft, makeState(), ctx)?.code,
      'CREDENTIAL_SYMBOL_NOT_ALLOWED',
    );
  });

  test('when the key is limited to FX then an FX order passes and a stock order is denied', () => {
    const ctx = key({ allowedAssetClasses: new Set(['forex']) });
    const fx = makeOrder({ symbol: 'EURUSD', quantity: '1000', limitPrice: '1.08500' });
    assert.equal(runCheck(credentialLimitsCheck, fx, makeState(), ctx), null);
    assert.equal(
      runCheck(credentialLimitsCheck, makeOrder(), makeState(), ctx)?.code,
      'CREDENTIAL_ASSET_CLASS_NOT_ALLOWED',
    );
  });

  test('when the order type is allowed then accepted, otherwise CREDENTIAL_ORDER_TYPE_NOT_ALLOWED', () => {
    const ctx = key({ allowedOrderTypes: new Set(['limit']) });
    assert.equal(runCheck(credentialLimitsCheck, makeOrder(), makeState(), ctx), null);
    const market = makeOrder({ type: 'market', limitPrice: undefined });
    assert.equal(
      runCheck(credentialLimitsCheck, market, makeState(), ctx)?.code,
      'CREDENTIAL_ORDER_TYPE_NOT_ALLOWED',
    );
  });

  test('when the key is reduce-only then closing passes and opening is CREDENTIAL_REDUCE_ONLY', () => {
    const ctx = key({ reduceOnly: true });
    const state = makeState();
    state.seedPosition('AAPL', dec('10'), dec('190'), ctx);
    assert.equal(runCheck(credentialLimitsCheck, makeOrder({ side: 'sell' }), state, ctx), null);
    assert.equal(
      runCheck(credentialLimitsCheck, makeOrder({ side: 'sell', quantity: '11' }), state, ctx)?.code,
      'CREDENTIAL_REDUCE_ONLY',
    );
  });

  test('when order value equals the key maximum then accepted; one cent more denied', () => {
    const ctx = key({ maxOrderNotional: dec('1900') });
    assert.equal(runCheck(credentialLimitsCheck, makeOrder(), makeState(), ctx), null);
    const denial = runCheck(credentialLimitsCheck, makeOrder({ limitPrice: '190.01' }), makeState(), ctx);
    assert.equal(denial?.code, 'CREDENTIAL_ORDER_NOTIONAL_EXCEEDED');
  });

  test('when the day’s value through the key reaches its maximum exactly then accepted; beyond denied', () => {
    const ctx = key({ maxDailyNotional: dec('3800') });
    const state = makeState();
    accept(state, makeOrder({ limitPrice: '189.00' }), ctx); // 1,890
    assert.equal(runCheck(credentialLimitsCheck, makeOrder({ limitPrice: '191.00' }), state, ctx), null); // 1,910 → 3,800
    const denial = runCheck(credentialLimitsCheck, makeOrder({ limitPrice: '191.01' }), state, ctx);
    assert.deepEqual(denial?.values, { credential: 'key-1', used: '1890', notional: '1910.1', max: '3800' });
  });

  test('when the key has its maximum open orders then denied; after a cancel accepted', () => {
    const ctx = key({ maxOpenOrders: 1 });
    const state = makeState();
    const id = accept(state, makeOrder({ limitPrice: '189.00' }), ctx);
    assert.equal(
      runCheck(credentialLimitsCheck, makeOrder(), state, ctx)?.code,
      'CREDENTIAL_OPEN_ORDERS_EXCEEDED',
    );
    state.recordCancelled(id, ctx);
    assert.equal(runCheck(credentialLimitsCheck, makeOrder(), state, ctx), null);
  });

  test('when orders come through another credential or a session then they do not count against this key', () => {
    const ctx = key({ maxOpenOrders: 1 });
    const state = makeState();
    accept(state, makeOrder({ limitPrice: '189.00' }), makeContext());
    assert.equal(runCheck(credentialLimitsCheck, makeOrder(), state, ctx), null);
  });
});
