import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dec } from '../../trading/decimal.ts';
import { accept, makeContext, makeOrder, makeState, runCheck } from '../testing.ts';
import { productPermissionCheck, roleCheck, tradingStateCheck } from './access.ts';

const ctx = makeContext();

function longAapl(quantity = '100') {
  const state = makeState();
  state.seedPosition('AAPL', dec(quantity), dec('190'), ctx);
  return state;
}

describe('trading_state check', () => {
  test('when the account is ACTIVE then any valid order passes', () => {
    assert.equal(runCheck(tradingStateCheck, makeOrder(), makeState(), ctx), null);
  });

  test('when the account is HALTED then even a reducing order is denied', () => {
    const state = longAapl();
    state.setTradingState('HALTED', 'kill switch');
    const denial = runCheck(tradingStateCheck, makeOrder({ side: 'sell', quantity: '10' }), state, ctx);
    assert.equal(denial?.code, 'TRADING_HALTED');
  });

  test('when REDUCING and the sell closes the whole long exactly then accepted', () => {
    const state = longAapl('100');
    state.setTradingState('REDUCING', 'margin call');
    assert.equal(runCheck(tradingStateCheck, makeOrder({ side: 'sell', quantity: '100' }), state, ctx), null);
  });

  test('when REDUCING and the sell is one share more than the long (would flip) then denied', () => {
    const state = longAapl('100');
    state.setTradingState('REDUCING', 'margin call');
    const denial = runCheck(tradingStateCheck, makeOrder({ side: 'sell', quantity: '101' }), state, ctx);
    assert.equal(denial?.code, 'TRADING_REDUCING_ONLY');
    assert.equal(denial?.values['position'], '100');
  });

  test('when REDUCING and open sells already cover the long then a further sell is denied', () => {
    const state = longAapl('100');
    accept(state, makeOrder({ side: 'sell', quantity: '60' }), ctx);
    state.setTradingState('REDUCING', 'margin call');
    assert.equal(runCheck(tradingStateCheck, makeOrder({ side: 'sell', quantity: '40' }), state, ctx), null);
    const denial = runCheck(tradingStateCheck, makeOrder({ side: 'sell', quantity: '41' }), state, ctx);
    assert.equal(denial?.code, 'TRADING_REDUCING_ONLY');
  });

  test('when REDUCING and the order adds to the position then denied', () => {
    const state = longAapl();
    state.setTradingState('REDUCING', 'margin call');
    assert.equal(
      runCheck(tradingStateCheck, makeOrder({ side: 'buy' }), state, ctx)?.code,
      'TRADING_REDUCING_ONLY',
    );
  });

  test('when REDUCING and flat then any order is denied', () => {
    const state = makeState({ tradingState: 'REDUCING' });
    assert.equal(
      runCheck(tradingStateCheck, makeOrder({ side: 'sell' }), state, ctx)?.code,
      'TRADING_REDUCING_ONLY',
    );
  });

  test('when a buy covers a short exactly then it reduces, and one more share is denied', () => {
    const state = makeState({ tradingState: 'REDUCING' });
    state.seedPosition('AAPL', dec('-50'), dec('190'), ctx);
    assert.equal(runCheck(tradingStateCheck, makeOrder({ side: 'buy', quantity: '50' }), state, ctx), null);
    assert.equal(
      runCheck(tradingStateCheck, makeOrder({ quantity: '51' }), state, ctx)?.code,
      'TRADING_REDUCING_ONLY',
    );
  });

  test('when a reduce-only order would increase the position then denied', () => {
    const state = longAapl('100');
    const denial = runCheck(tradingStateCheck, makeOrder({ side: 'buy', reduceOnly: true }), state, ctx);
    assert.equal(denial?.code, 'REDUCE_ONLY_WOULD_INCREASE');
  });

  test('when a reduce-only order sells exactly the position then accepted; one more is denied', () => {
    const state = longAapl('100');
    assert.equal(
      runCheck(tradingStateCheck, makeOrder({ side: 'sell', quantity: '100', reduceOnly: true }), state, ctx),
      null,
    );
    const denial = runCheck(
      tradingStateCheck,
      makeOrder({ side: 'sell', quantity: '101', reduceOnly: true }),
      state,
      ctx,
    );
    assert.equal(denial?.code, 'REDUCE_ONLY_WOULD_INCREASE');
  });
});

describe('role check', () => {
  for (const role of ['owner', 'trader', 'advisor'] as const) {
    test(`when the member is ${role} then accepted`, () => {
      assert.equal(runCheck(roleCheck, makeOrder(), makeState(), makeContext({ actor: { role } })), null);
    });
  }

  test('when the member is a viewer then denied', () => {
    const denial = runCheck(roleCheck, makeOrder(), makeState(), makeContext({ actor: { role: 'viewer' } }));
    assert.equal(denial?.code, 'ROLE_CANNOT_TRADE');
    assert.equal(denial?.values['role'], 'viewer');
  });
});

describe('product_permission check', () => {
  const check = productPermissionCheck;

  test('when the account lacks the product class then denied, and with it accepted', () => {
    const noFutures = makeContext({ account: { permissions: { futures: false } } });
    const es = makeOrder({ symbol: 'ES', quantity: '1', limitPrice: '5500.00' });
    assert.equal(runCheck(check, es, makeState(), noFutures)?.code, 'PRODUCT_NOT_PERMITTED');
    assert.equal(runCheck(check, es, makeState(), ctx), null);
  });

  test('when permission was withdrawn but the order closes an existing position then accepted', () => {
    const noStocks = makeContext({ account: { permissions: { stocks: false } } });
    const state = longAapl('100');
    assert.equal(runCheck(check, makeOrder({ side: 'sell', quantity: '100' }), state, noStocks), null);
    assert.equal(runCheck(check, makeOrder({ side: 'buy' }), state, noStocks)?.code, 'PRODUCT_NOT_PERMITTED');
  });

  test('when a non-US account buys a forecast contract then INSTRUMENT_NOT_ELIGIBLE; a US account passes', () => {
    const order = makeOrder({ symbol: 'FEDCUT-27MAR', limitPrice: '0.42' });
    const de = makeContext({ account: { region: 'DE' } });
    assert.equal(runCheck(check, order, makeState(), de)?.code, 'INSTRUMENT_NOT_ELIGIBLE');
    assert.equal(runCheck(check, order, makeState(), ctx), null);
  });

  test('when a cash account sells more than it holds then MARGIN_ACCOUNT_REQUIRED; selling all it holds passes', () => {
    const cash = makeContext({ account: { accountType: 'cash' } });
    const state = makeState();
    state.seedPosition('AAPL', dec('100'), dec('190'), cash);
    assert.equal(runCheck(check, makeOrder({ side: 'sell', quantity: '100' }), state, cash), null);
    const denial = runCheck(check, makeOrder({ side: 'sell', quantity: '101' }), state, cash);
    assert.equal(denial?.code, 'MARGIN_ACCOUNT_REQUIRED');
  });

  test('when a cash account trades FX or futures then MARGIN_ACCOUNT_REQUIRED', () => {
    const cash = makeContext({ account: { accountType: 'cash' } });
    const fx = makeOrder({ symbol: 'EURUSD', quantity: '1000', limitPrice: '1.08500' });
    assert.equal(runCheck(check, fx, makeState(), cash)?.code, 'MARGIN_ACCOUNT_REQUIRED');
  });

  test('when option level is 1 then a long call passes and a put sale needs level 2', () => {
    const l1 = makeContext({ account: { permissions: { options: 1 } } });
    const l2 = makeContext({ account: { permissions: { options: 2 } } });
    const call = makeOrder({ symbol: 'AAPL270319C180', quantity: '1', limitPrice: '22.40' });
    const put = makeOrder({ symbol: 'AAPL270319P180', side: 'sell', quantity: '1', limitPrice: '8.10' });
    assert.equal(runCheck(check, call, makeState(), l1), null);
    const denial = runCheck(check, put, makeState(), l1);
    assert.equal(denial?.code, 'OPTION_LEVEL_INSUFFICIENT');
    assert.equal(denial?.values['required'], '2');
    assert.equal(runCheck(check, put, makeState(), l2), null);
  });

  test('when option level is 0 then even a long option is PRODUCT_NOT_PERMITTED', () => {
    const l0 = makeContext({ account: { permissions: { options: 0 } } });
    const call = makeOrder({ symbol: 'AAPL270319C180', quantity: '1', limitPrice: '22.40' });
    assert.equal(runCheck(check, call, makeState(), l0)?.code, 'PRODUCT_NOT_PERMITTED');
  });

  test('when level 1 sells calls fully covered by shares then accepted; one contract beyond cover is denied', () => {
    const l1 = makeContext({ account: { permissions: { options: 1 } } });
    const state = makeState();
    state.seedPosition('AAPL', dec('300'), dec('190'), l1);
    const sell = (q: string) =>
      makeOrder({ symbol: 'AAPL271217C200', side: 'sell', quantity: q, limitPrice: '24.75' });
    assert.equal(runCheck(check, sell('3'), state, l1), null);
    const denial = runCheck(check, sell('4'), state, l1);
    assert.equal(denial?.code, 'OPTION_LEVEL_INSUFFICIENT');
    assert.equal(denial?.values['short_call_exposure'], '400');
  });

  test('when level 4 sells an uncovered call in a cash account then MARGIN_ACCOUNT_REQUIRED', () => {
    const cashL4 = makeContext({ account: { accountType: 'cash', permissions: { options: 4 } } });
    const sell = makeOrder({ symbol: 'AAPL271217C200', side: 'sell', quantity: '1', limitPrice: '24.75' });
    assert.equal(runCheck(check, sell, makeState(), cashL4)?.code, 'MARGIN_ACCOUNT_REQUIRED');
    assert.equal(runCheck(check, sell, makeState(), ctx), null);
  });

  test('when level 1 holds covered calls then selling the covering shares is denied, selling the spare ones passes', () => {
    const l1 = makeContext({ account: { permissions: { options: 1 } } });
    const state = makeState();
    state.seedPosition('AAPL', dec('150'), dec('190'), l1);
    state.seedPosition('AAPL271217C200', dec('-1'), dec('24.75'), l1);
    assert.equal(runCheck(check, makeOrder({ side: 'sell', quantity: '50' }), state, l1), null);
    const denial = runCheck(check, makeOrder({ side: 'sell', quantity: '51' }), state, l1);
    assert.equal(denial?.code, 'OPTION_LEVEL_INSUFFICIENT');
    assert.equal(denial?.values['strategy'], 'uncover_short_calls');
  });
});
