import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dec } from '../../trading/decimal.ts';
import { accept, makeContext, makeOrder, makeState, runCheck } from '../testing.ts';
import { DEFAULT_RISK_LIMITS } from '../types.ts';
import {
  buyingPowerCheck,
  dailyLossCheck,
  openOrdersCheck,
  orderSizeCheck,
  positionLimitCheck,
  priceCollarCheck,
} from './limits.ts';

const ctx = makeContext();

describe('price_collar check (AAPL reference 190.00, stock collar 10% → 171.00..209.00)', () => {
  const collar = (limit: string) =>
    runCheck(priceCollarCheck, makeOrder({ limitPrice: limit }), makeState(), ctx);

  test('when the limit is exactly on the upper or lower band then accepted', () => {
    assert.equal(collar('209.00'), null);
    assert.equal(collar('171.00'), null);
  });

  test('when the limit is one tick beyond either band then PRICE_OUTSIDE_COLLAR with its values', () => {
    const above = collar('209.01');
    assert.equal(above?.code, 'PRICE_OUTSIDE_COLLAR');
    assert.deepEqual(above?.values, {
      limit: '209.01',
      reference: '190',
      collar: '0.1',
      lower: '171',
      upper: '209',
    });
    assert.equal(collar('170.99')?.code, 'PRICE_OUTSIDE_COLLAR');
  });

  test('when a live reference price exists then the collar follows it', () => {
    const live = makeContext({ prices: { AAPL: '200.00' } });
    assert.equal(runCheck(priceCollarCheck, makeOrder({ limitPrice: '220.00' }), makeState(), live), null);
    assert.equal(
      runCheck(priceCollarCheck, makeOrder({ limitPrice: '220.01' }), makeState(), live)?.code,
      'PRICE_OUTSIDE_COLLAR',
    );
  });

  test('when the order is a market or stop order then there is no limit price to collar', () => {
    const stop = makeOrder({ type: 'stop', limitPrice: undefined, stopPrice: '100.00' });
    assert.equal(runCheck(priceCollarCheck, stop, makeState(), ctx), null);
  });
});

describe('order_size check', () => {
  const small = makeContext({
    limits: { maxOrderQuantity: { ...DEFAULT_RISK_LIMITS.maxOrderQuantity, stock: dec('500') } },
  });

  test('when quantity equals the per-order maximum then accepted; one more is QUANTITY_EXCEEDS_MAX', () => {
    assert.equal(runCheck(orderSizeCheck, makeOrder({ quantity: '500' }), makeState(), small), null);
    const denial = runCheck(orderSizeCheck, makeOrder({ quantity: '501' }), makeState(), small);
    assert.equal(denial?.code, 'QUANTITY_EXCEEDS_MAX');
    assert.equal(denial?.values['max'], '500');
  });

  test('when value equals the 1,000,000 maximum then accepted; one cent more is NOTIONAL_EXCEEDS_MAX', () => {
    assert.equal(
      runCheck(orderSizeCheck, makeOrder({ quantity: '5000', limitPrice: '200.00' }), makeState(), ctx),
      null,
    );
    const denial = runCheck(
      orderSizeCheck,
      makeOrder({ quantity: '5000', limitPrice: '200.01' }),
      makeState(),
      ctx,
    );
    assert.equal(denial?.code, 'NOTIONAL_EXCEEDS_MAX');
    assert.equal(denial?.values['notional'], '1000050');
  });

  test('when valuing futures and options then the multiplier counts', () => {
    const es = makeOrder({ symbol: 'ES', quantity: '18', limitPrice: '5500.00' }); // 18 × 5500 × 50 = 4,950,000
    assert.equal(runCheck(orderSizeCheck, es, makeState(), ctx), null);
    const es19 = makeOrder({ symbol: 'ES', quantity: '19', limitPrice: '5500.00' });
    assert.equal(runCheck(orderSizeCheck, es19, makeState(), ctx)?.values['notional'], '5225000');
  });

  test('when valuing a USD-based FX pair then the notional is the USD quantity exactly', () => {
    const capped = makeContext({
      limits: { maxOrderNotional: { ...DEFAULT_RISK_LIMITS.maxOrderNotional, forex: dec('5000000') } },
    });
    const fx = (q: string) => makeOrder({ symbol: 'USDJPY', quantity: q, limitPrice: '155.000' });
    assert.equal(runCheck(orderSizeCheck, fx('5000000'), makeState(), capped), null);
    assert.equal(runCheck(orderSizeCheck, fx('5001000'), makeState(), capped)?.values['notional'], '5001000');
  });
});

describe('open_orders check', () => {
  const three = makeContext({ limits: { maxOpenOrders: 3 } });

  test('when two orders are open and the maximum is three then accepted; with three open denied', () => {
    const state = makeState();
    accept(state, makeOrder({ limitPrice: '189.00' }), three);
    accept(state, makeOrder({ limitPrice: '188.00' }), three);
    assert.equal(runCheck(openOrdersCheck, makeOrder(), state, three), null);
    accept(state, makeOrder({ limitPrice: '187.00' }), three);
    const denial = runCheck(openOrdersCheck, makeOrder(), state, three);
    assert.equal(denial?.code, 'OPEN_ORDERS_EXCEEDED');
    assert.deepEqual(denial?.values, { open: '3', max: '3' });
  });

  test('when at the maximum but the order only reduces a position then accepted', () => {
    const state = makeState();
    state.seedPosition('MSFT', dec('10'), dec('420'), three);
    for (const p of ['189.00', '188.00', '187.00']) accept(state, makeOrder({ limitPrice: p }), three);
    const exit = makeOrder({ symbol: 'MSFT', side: 'sell', quantity: '10', limitPrice: '420.00' });
    assert.equal(runCheck(openOrdersCheck, exit, state, three), null);
  });
});

describe('position_limit check (AAPL limited to 100)', () => {
  const limited = makeContext({ limits: { positionOverrides: new Map([['AAPL', dec('100')]]) } });

  test('when the resulting position equals the limit then accepted; one share more denied', () => {
    assert.equal(runCheck(positionLimitCheck, makeOrder({ quantity: '100' }), makeState(), limited), null);
    const denial = runCheck(positionLimitCheck, makeOrder({ quantity: '101' }), makeState(), limited);
    assert.equal(denial?.code, 'POSITION_LIMIT_EXCEEDED');
    assert.equal(denial?.values['resulting'], '101');
  });

  test('when same-side open orders exist then they count toward the resulting position', () => {
    const state = makeState();
    state.seedPosition('AAPL', dec('30'), dec('190'), limited);
    accept(state, makeOrder({ quantity: '40' }), limited);
    assert.equal(
      runCheck(positionLimitCheck, makeOrder({ quantity: '30', limitPrice: '189.00' }), state, limited),
      null,
    );
    const denial = runCheck(
      positionLimitCheck,
      makeOrder({ quantity: '31', limitPrice: '189.00' }),
      state,
      limited,
    );
    assert.equal(denial?.values['resulting'], '101');
  });

  test('when a short sale takes the position to minus the limit then accepted; beyond denied', () => {
    assert.equal(
      runCheck(positionLimitCheck, makeOrder({ side: 'sell', quantity: '100' }), makeState(), limited),
      null,
    );
    const denial = runCheck(
      positionLimitCheck,
      makeOrder({ side: 'sell', quantity: '101' }),
      makeState(),
      limited,
    );
    assert.equal(denial?.values['resulting'], '-101');
  });

  test('when the position is already above the limit then a reducing sell still passes', () => {
    const state = makeState();
    state.seedPosition('AAPL', dec('500'), dec('190'), limited);
    assert.equal(
      runCheck(positionLimitCheck, makeOrder({ side: 'sell', quantity: '100' }), state, limited),
      null,
    );
  });

  test('when no override exists then the asset-class limit applies', () => {
    const fut = makeOrder({ symbol: 'ES', quantity: '1', limitPrice: '5500.00' });
    const state = makeState();
    state.seedPosition('ES', dec('199'), dec('5500'), ctx);
    assert.equal(runCheck(positionLimitCheck, fut, state, ctx), null);
    state.seedPosition('ES', dec('200'), dec('5500'), ctx);
    assert.equal(runCheck(positionLimitCheck, fut, state, ctx)?.values['limit'], '200');
  });
});

describe('daily_loss check (limit 1,000)', () => {
  const lossLimit = makeContext({ limits: { dailyLossLimit: dec('1000') } });

  function losing(mark: string) {
    const state = makeState();
    state.seedPosition('AAPL', dec('100'), dec('190'), lossLimit);
    state.markPrice('AAPL', dec(mark), lossLimit);
    return state;
  }

  test('when today’s loss equals the limit then accepted; one cent beyond denied', () => {
    assert.equal(
      runCheck(
        dailyLossCheck,
        makeOrder({ symbol: 'MSFT', limitPrice: '420.00' }),
        losing('180.00'),
        lossLimit,
      ),
      null,
    );
    const denial = runCheck(
      dailyLossCheck,
      makeOrder({ symbol: 'MSFT', limitPrice: '420.00' }),
      losing('179.99'),
      lossLimit,
    );
    assert.equal(denial?.code, 'DAILY_LOSS_LIMIT_EXCEEDED');
    assert.deepEqual(denial?.values, { loss: '1001', limit: '1000' });
  });

  test('when beyond the loss limit then an order closing the losing position still passes', () => {
    const exit = makeOrder({ side: 'sell', quantity: '100', limitPrice: '179.99' });
    assert.equal(runCheck(dailyLossCheck, exit, losing('179.99'), lossLimit), null);
  });

  test('when realised losses are booked then they count, and a new day resets them', () => {
    const state = makeState();
    const id = accept(state, makeOrder({ quantity: '100', limitPrice: '190.00' }), lossLimit);
    state.recordFill(id, dec('100'), dec('190.00'), lossLimit);
    const sell = accept(state, makeOrder({ side: 'sell', quantity: '100', limitPrice: '179.99' }), lossLimit);
    state.recordFill(sell, dec('100'), dec('179.99'), lossLimit);
    assert.equal(state.dailyLoss().toString(), '1001');
    assert.equal(runCheck(dailyLossCheck, makeOrder(), state, lossLimit)?.code, 'DAILY_LOSS_LIMIT_EXCEEDED');
    state.startNewDay();
    assert.equal(runCheck(dailyLossCheck, makeOrder(), state, lossLimit), null);
  });
});

describe('buying_power check', () => {
  test('when a cash account has exactly the price of the shares then accepted; a cent short denied', () => {
    const cash = makeContext({ account: { accountType: 'cash' } });
    const state = makeState({ cash: dec('19000') });
    assert.equal(
      runCheck(buyingPowerCheck, makeOrder({ quantity: '100', limitPrice: '190.00' }), state, cash),
      null,
    );
    const denial = runCheck(
      buyingPowerCheck,
      makeOrder({ quantity: '100', limitPrice: '190.01' }),
      state,
      cash,
    );
    assert.equal(denial?.code, 'INSUFFICIENT_BUYING_POWER');
    assert.deepEqual(denial?.values, { required: '19001', available: '19000' });
  });

  test('when a margin account has exactly 50% of the value then accepted; one tick more denied', () => {
    const state = makeState({ cash: dec('9500') });
    assert.equal(
      runCheck(buyingPowerCheck, makeOrder({ quantity: '100', limitPrice: '190.00' }), state, ctx),
      null,
    );
    const denial = runCheck(
      buyingPowerCheck,
      makeOrder({ quantity: '100', limitPrice: '190.01' }),
      state,
      ctx,
    );
    assert.equal(denial?.values['required'], '9500.5');
  });

  test('when open orders reserve funds then less is available to the next order', () => {
    const state = makeState({ cash: dec('19000') });
    accept(state, makeOrder({ quantity: '100', limitPrice: '189.00' }), ctx); // reserves 9,450
    assert.equal(
      runCheck(buyingPowerCheck, makeOrder({ quantity: '100', limitPrice: '191.00' }), state, ctx),
      null,
    );
    const denial = runCheck(
      buyingPowerCheck,
      makeOrder({ quantity: '100', limitPrice: '191.02' }),
      state,
      ctx,
    );
    assert.deepEqual(denial?.values, { required: '9551', available: '9550' });
  });

  test('when a futures account has exactly one contract’s initial margin then one ES passes and two fail', () => {
    const state = makeState({ cash: dec('13200') });
    const es = (q: string) => makeOrder({ symbol: 'ES', quantity: q, limitPrice: '5500.00' });
    assert.equal(runCheck(buyingPowerCheck, es('1'), state, ctx), null);
    assert.equal(runCheck(buyingPowerCheck, es('2'), state, ctx)?.values['required'], '26400');
  });

  test('when funds are exhausted then a buy is denied but a reducing sell still passes', () => {
    const state = makeState({ cash: dec('-9500') }); // bought 100 AAPL at 190 on 50% margin
    state.seedPosition('AAPL', dec('100'), dec('190'), ctx);
    state.markPrice('AAPL', dec('100'), ctx); // equity 500, requirement 5,000
    assert.equal(state.availableFunds().toString(), '-4500');
    assert.equal(
      runCheck(buyingPowerCheck, makeOrder({ quantity: '1', limitPrice: '100.00' }), state, ctx)?.code,
      'INSUFFICIENT_BUYING_POWER',
    );
    assert.equal(
      runCheck(
        buyingPowerCheck,
        makeOrder({ side: 'sell', quantity: '100', limitPrice: '100.00' }),
        state,
        ctx,
      ),
      null,
    );
  });
});
