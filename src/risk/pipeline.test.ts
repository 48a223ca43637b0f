import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { dec } from '../trading/decimal.ts';
import { DENIAL_CODES, formatDenial } from './codes.ts';
import { RISK_CHECK_TABLE, RISK_CHECKS, runPipeline } from './pipeline.ts';
import { accept, makeContext, makeOrder, makeState } from './testing.ts';

const ctx = makeContext();

describe('runPipeline', () => {
  test('when a typical limit order meets every check then ok', () => {
    assert.deepEqual(runPipeline(makeOrder(), makeState(), ctx), { ok: true });
  });

  test('when evaluating then the state is left untouched', () => {
    const state = makeState();
    const before = JSON.stringify({ ...state.totals(), open: state.openOrderCount });
    runPipeline(makeOrder(), state, ctx);
    assert.equal(JSON.stringify({ ...state.totals(), open: state.openOrderCount }), before);
    assert.equal(state.recentAcceptance(1), undefined);
  });

  test('when several checks would fail then the first in pipeline order wins', () => {
    // Each step removes the cause of the previous denial; the next check in order must speak.
    const halted = makeState({ tradingState: 'HALTED' });
    const active = makeState();
    const viewer = makeContext({ actor: { role: 'viewer' }, account: { permissions: { stocks: false } } });
    const noStocks = makeContext({ account: { permissions: { stocks: false } } });
    const bad = makeOrder({ symbol: 'ZZZZ', quantity: '0', limitPrice: '1000000.00' });
    const offTick = makeOrder({ quantity: '0', limitPrice: '1000000.001' });
    const farLimit = makeOrder({ quantity: '200000', limitPrice: '1000000.00' });
    const huge = makeOrder({ quantity: '200000', limitPrice: '190.00' });
    const steps: [string, ReturnType<typeof runPipeline>][] = [
      ['TRADING_HALTED', runPipeline(bad, halted, viewer)],
      ['ROLE_CANNOT_TRADE', runPipeline(bad, active, viewer)],
      ['PRODUCT_NOT_PERMITTED', runPipeline(huge, active, noStocks)],
      ['INSTRUMENT_UNKNOWN', runPipeline(bad, active, ctx)],
      ['QUANTITY_NOT_POSITIVE', runPipeline(offTick, active, ctx)],
      ['PRICE_OUTSIDE_COLLAR', runPipeline(farLimit, active, ctx)],
      ['QUANTITY_EXCEEDS_MAX', runPipeline(huge, active, ctx)],
    ];
    for (const [expected, result] of steps) {
      assert.equal(result.ok ? 'ok' : result.denial.code, expected);
    }
  });

  test('when limits further down also fail then the earlier of them is reported', () => {
    const tight = makeContext({
      limits: {
        maxOpenOrders: 1,
        positionOverrides: new Map([['AAPL', dec('5')]]),
        dailyLossLimit: dec('0'),
      },
    });
    const state = makeState({ cash: dec('0') });
    accept(state, makeOrder({ symbol: 'MSFT', limitPrice: '420.00' }), tight);
    const order = makeOrder({ limitPrice: '189.00' });
    const first = runPipeline(order, state, tight);
    assert.equal(first.ok ? 'ok' : first.denial.code, 'OPEN_ORDERS_EXCEEDED');
    const fewer = makeContext({ limits: { ...tight.limits, maxOpenOrders: 10 } });
    const second = runPipeline(order, state, fewer);
    assert.equal(second.ok ? 'ok' : second.denial.code, 'POSITION_LIMIT_EXCEEDED');
    const roomy = makeContext({ limits: { ...fewer.limits, positionOverrides: new Map() } });
    const third = runPipeline(order, state, roomy);
    assert.equal(third.ok ? 'ok' : third.denial.code, 'INSUFFICIENT_BUYING_POWER');
  });

  test('when loss, funds, duplicate, throttle and credential all fail then they are reported in that order', () => {
    const limits = { dailyLossLimit: dec('100'), throttle: { maxOrders: 2, windowMs: 1_000 } };
    const key = {
      role: 'trader',
      credential: { id: 'k', kind: 'api_key', maxOrderNotional: dec('1') },
    } as const;
    const order = makeOrder({ symbol: 'MSFT', quantity: '1', limitPrice: '420.00' });
    function run(o: { loss: boolean; funds: boolean; dup: boolean; burst: boolean; key: boolean }) {
      const c = makeContext({ limits, ...(o.key ? { actor: key } : {}) });
      const earlier = { ...c, actor: { role: 'owner' as const } };
      const state = makeState({ cash: dec(o.funds ? '1000000' : '-9500') });
      state.seedPosition('AAPL', dec('100'), dec('190'), c);
      if (o.loss) state.markPrice('AAPL', dec('180'), c);
      if (o.dup) state.recordAccepted('dup', order, { ...earlier, now: c.now - 10 });
      if (o.burst) {
        state.recordAccepted('b1', makeOrder({ symbol: 'KO', limitPrice: '62.00' }), {
          ...earlier,
          now: c.now - 5,
        });
        state.recordAccepted('b2', makeOrder({ symbol: 'KO', limitPrice: '61.99' }), {
          ...earlier,
          now: c.now - 4,
        });
      }
      const result = runPipeline(order, state, c);
      return result.ok ? 'ok' : result.denial.code;
    }
    const all = { loss: true, funds: false, dup: true, burst: true, key: true };
    assert.equal(run(all), 'DAILY_LOSS_LIMIT_EXCEEDED');
    assert.equal(run({ ...all, loss: false }), 'INSUFFICIENT_BUYING_POWER');
    assert.equal(run({ ...all, loss: false, funds: true }), 'DUPLICATE_ORDER');
    assert.equal(run({ ...all, loss: false, funds: true, dup: false }), 'ORDER_RATE_EXCEEDED');
    assert.equal(
      run({ ...all, loss: false, funds: true, dup: false, burst: false }),
      'CREDENTIAL_ORDER_NOTIONAL_EXCEEDED',
    );
    assert.equal(run({ loss: false, funds: true, dup: false, burst: false, key: false }), 'ok');
  });

  test('when a margin call leaves the account REDUCING, over its loss limit and out of funds then a flatten still passes', () => {
    const stressed = makeContext({ limits: { dailyLossLimit: dec('100'), maxOpenOrders: 1 } });
    const state = makeState({ cash: dec('-9500') });
    state.seedPosition('AAPL', dec('100'), dec('190'), stressed);
    state.markPrice('AAPL', dec('180'), stressed);
    accept(state, makeOrder({ symbol: 'MSFT', quantity: '1', limitPrice: '420.00' }), stressed);
    state.setTradingState('REDUCING', 'margin call');
    const add = runPipeline(makeOrder({ quantity: '1', limitPrice: '180.00' }), state, stressed);
    assert.equal(add.ok ? 'ok' : add.denial.code, 'TRADING_REDUCING_ONLY');
    const flatten = runPipeline(
      makeOrder({ side: 'sell', quantity: '100', limitPrice: '180.00' }),
      state,
      stressed,
    );
    assert.deepEqual(flatten, { ok: true });
  });

  test('when the overnight FX bot sends an FX order then ok, and a stock order is refused by its key', () => {
    const bot = makeContext({
      now: Date.parse('2026-11-24T03:00:00Z'), // 22:00 New York: equities closed, FX open
      actor: {
        role: 'trader',
        credential: {
          id: 'bot',
          kind: 'api_key',
          allowedAssetClasses: new Set(['forex']),
          maxOrderNotional: dec('200000'),
        },
      },
    });
    const fx = makeOrder({ symbol: 'EURUSD', quantity: '100000', limitPrice: '1.08500' });
    assert.deepEqual(runPipeline(fx, makeState(), bot), { ok: true });
    const tooBig = runPipeline(
      makeOrder({ symbol: 'EURUSD', quantity: '200000', limitPrice: '1.08500' }),
      makeState(),
      bot,
    );
    assert.equal(tooBig.ok ? 'ok' : tooBig.denial.code, 'CREDENTIAL_ORDER_NOTIONAL_EXCEEDED');
  });

  test('when a denial is formatted then it reads CODE: key=value', () => {
    const result = runPipeline(makeOrder({ limitPrice: '250.00' }), makeState(), ctx);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(
      formatDenial(result.denial),
      'PRICE_OUTSIDE_COLLAR: limit=250, reference=190, collar=0.1, lower=171, upper=209',
    );
    assert.equal(result.denial.check, 'price_collar');
  });

  test('when the account holds 10,000 open orders and 1,000 positions then checks still see the right totals', () => {
    const state = makeState({ cash: dec('100000000') });
    const big = makeContext({ limits: { maxOpenOrders: 20_000 } });
    for (let i = 0; i < 10_000; i++) {
      const order = makeOrder({
        symbol: i % 2 ? 'MSFT' : 'KO',
        quantity: '1',
        limitPrice: i % 2 ? '420.00' : '62.00',
      });
      state.recordAccepted(`bulk${i}`, order, { ...big, now: big.now - 60_000 });
    }
    assert.equal(state.openOrderCount, 10_000);
    assert.equal(state.openQuantity('KO', 'buy').toString(), '5000');
    const at = runPipeline(makeOrder(), state, big);
    assert.deepEqual(at, { ok: true });
    const full = makeContext({ limits: { maxOpenOrders: 10_000 } });
    const denied = runPipeline(makeOrder(), state, full);
    assert.equal(denied.ok ? 'ok' : denied.denial.code, 'OPEN_ORDERS_EXCEEDED');
  });
});

describe('check table', () => {
  test('when listed then the checks appear in the documented order', () => {
    assert.deepEqual(
      RISK_CHECK_TABLE.map((c) => c.name),
      [
        'trading_state',
        'role',
        'product_permission',
        'instrument',
        'order_sanity',
        'price_collar',
        'order_size',
        'open_orders',
        'position_limit',
        'daily_loss',
        'buying_power',
        'duplicate',
        'throttle',
        'credential_limits',
      ],
    );
    assert.deepEqual(
      RISK_CHECK_TABLE.map((c) => c.order),
      RISK_CHECKS.map((_, i) => i + 1),
    );
  });

  test('when listed then every denial code belongs to exactly one check', () => {
    const owners = new Map<string, string[]>();
    for (const c of RISK_CHECKS)
      for (const code of c.codes) owners.set(code, [...(owners.get(code) ?? []), c.name]);
    assert.deepEqual([...owners.keys()].sort(), Object.keys(DENIAL_CODES).sort());
    for (const [code, names] of owners)
      assert.equal(names.length, 1, `${code} is claimed by ${names.join(', ')}`);
  });

  test('when documented then src/risk/README.md lists exactly the denial codes (one table row each) and the check names', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const documented = new Set([...readme.matchAll(/^\|\s*`([A-Z][A-Z_]+)`\s*\|/gm)].map((m) => m[1]));
    assert.deepEqual([...documented].sort(), Object.keys(DENIAL_CODES).sort());
    for (const c of RISK_CHECKS) assert.ok(readme.includes(`\`${c.name}\``), `README misses ${c.name}`);
  });
});
