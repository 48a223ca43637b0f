import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Decimal, dec } from '../trading/decimal.ts';
import { marginRequirement } from './margin.ts';
import { valuePosition } from './positions.ts';
import type { AccountRiskState } from './state.ts';
import { accept, makeContext, makeOrder, makeState } from './testing.ts';

const ctx = makeContext();
const str = (d: Decimal) => d.toString();

describe('AccountRiskState order lifecycle', () => {
  test('when an order is accepted then counts, open quantity, reservation and daily value rise', () => {
    const state = makeState({ cash: dec('100000') });
    const key = makeContext({ actor: { role: 'trader', credential: { id: 'k', kind: 'api_key' } } });
    accept(state, makeOrder({ quantity: '100', limitPrice: '190.00' }), key);
    assert.equal(state.openOrderCount, 1);
    assert.equal(str(state.openQuantity('AAPL', 'buy')), '100');
    assert.equal(str(state.openQuantity('AAPL', 'sell')), '0');
    assert.equal(str(state.totals().reserved), '9500');
    assert.equal(str(state.availableFunds()), '90500');
    assert.equal(str(state.dailyNotional), '19000');
    assert.deepEqual(
      { ...state.credentialUsage('k'), dailyNotional: '19000' },
      { openOrders: 1, dailyNotional: '19000' },
    );
  });

  test('when an order fills in two parts then reservation is released pro rata and the position builds', () => {
    const state = makeState({ cash: dec('100000') });
    const id = accept(state, makeOrder({ quantity: '100', limitPrice: '190.00' }), ctx);
    state.recordFill(id, dec('40'), dec('190.00'), ctx);
    assert.equal(str(state.totals().reserved), '5700');
    assert.equal(str(state.openOrder(id)!.remaining), '60');
    assert.equal(str(state.positionQuantity('AAPL')), '40');
    assert.equal(str(state.cash), '92400');
    state.recordFill(id, dec('60'), dec('189.00'), ctx);
    assert.equal(state.openOrder(id), undefined);
    assert.equal(state.openOrderCount, 0);
    assert.equal(str(state.totals().reserved), '0');
    assert.equal(str(state.cash), '81060');
    // equity = 81,060 + 100 × 189 mark; margin 50% of 18,900
    assert.equal(str(state.equity()), '99960');
    assert.equal(str(state.availableFunds()), '90510');
  });

  test('when an order is cancelled then its reservation and open quantity disappear', () => {
    const state = makeState({ cash: dec('100000') });
    const id = accept(state, makeOrder({ side: 'sell', quantity: '100', limitPrice: '190.00' }), ctx);
    assert.equal(str(state.openQuantity('AAPL', 'sell')), '100');
    state.recordCancelled(id, ctx);
    assert.equal(str(state.openQuantity('AAPL', 'sell')), '0');
    assert.equal(str(state.availableFunds()), '100000');
  });

  test('when ids are reused, unknown, or a fill is larger than what remains then TypeError', () => {
    const state = makeState();
    state.recordAccepted('x', makeOrder(), ctx);
    assert.throws(() => state.recordAccepted('x', makeOrder(), ctx), TypeError);
    assert.throws(() => state.recordFill('nope', dec('1'), dec('190'), ctx), TypeError);
    assert.throws(() => state.recordFill('x', dec('11'), dec('190'), ctx), TypeError);
    assert.throws(() => state.recordCancelled('nope', ctx), TypeError);
  });

  test('when trading state changes then an audit event describes it, and a repeat is a no-op', () => {
    const state = makeState();
    assert.deepEqual(state.setTradingState('HALTED', 'kill switch'), {
      event: 'trading_state.changed',
      from: 'ACTIVE',
      to: 'HALTED',
      direction: 'reduces_risk',
      reason: 'kill switch',
    });
    assert.equal(state.setTradingState('HALTED', 'again'), null);
    assert.equal(state.tradingState, 'HALTED');
  });
});

describe('AccountRiskState option cover', () => {
  test('when calls are sold against shares then they need no margin; selling the shares makes them uncovered', () => {
    const state = makeState({ cash: dec('100000') });
    state.seedPosition('AAPL', dec('100'), dec('190'), ctx);
    const marginWithShares = state.totals().margin;
    const sell = accept(
      state,
      makeOrder({ symbol: 'AAPL271217C200', side: 'sell', quantity: '1', limitPrice: '24.75' }),
      ctx,
    );
    assert.equal(str(state.shortCallExposure('AAPL')), '100');
    state.recordFill(sell, dec('1'), dec('24.75'), ctx);
    assert.equal(str(state.totals().margin), str(marginWithShares)); // covered: 0 for the call
    const exit = accept(state, makeOrder({ side: 'sell', quantity: '100', limitPrice: '190.00' }), ctx);
    // with the shares pending sale the call is no longer covered: 20% × 190 − 10 OTM = 28 → 2,800
    assert.equal(str(state.totals().margin), str(marginWithShares.add(dec('2800'))));
    state.recordCancelled(exit, ctx);
    assert.equal(str(state.totals().margin), str(marginWithShares));
  });

  test('when the underlying is marked then uncovered short option margin follows it', () => {
    const state = makeState({ cash: dec('100000') });
    state.seedPosition('AAPL270319P180', dec('-1'), dec('8.10'), ctx);
    assert.equal(str(state.totals().margin), '2800'); // underlying 190: 38 − 10
    state.seedPosition('AAPL', dec('1'), dec('190'), ctx);
    state.markPrice('AAPL', dec('170'), ctx); // put now 10 ITM: 0.2 × 170 = 34 → 3,400; plus 1 share at 50%
    assert.equal(str(state.totals().margin), '3485');
  });
});

describe('AccountRiskState totals agree with a full recomputation (property based)', () => {
  const symbols = ['AAPL', 'MSFT', 'ES', 'EURUSD', 'USDJPY', 'FEDCUT-27MAR'] as const;
  const prices: Record<string, [bigint, number, bigint]> = {
    AAPL: [19000n, 2, 1n],
    MSFT: [42000n, 2, 1n],
    ES: [22000n, 2, 25n],
    EURUSD: [108500n, 5, 1n],
    USDJPY: [155000n, 3, 1n],
    'FEDCUT-27MAR': [42n, 2, 1n],
  };
  const lots: Record<string, bigint> = { EURUSD: 1000n, USDJPY: 1000n };
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('order' as const),
      symbol: fc.constantFrom(...symbols),
      sell: fc.boolean(),
      lots: fc.integer({ min: 1, max: 20 }),
      ticks: fc.integer({ min: -40, max: 40 }),
    }),
    fc.record({ kind: fc.constant('fill' as const), pick: fc.nat(), part: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constant('mark' as const),
      symbol: fc.constantFrom(...symbols),
      ticks: fc.integer({ min: -40, max: 40 }),
    }),
  );

  function priceOf(symbol: string, ticks: number): Decimal {
    const [units, scale, step] = prices[symbol]!;
    return Decimal.of(units + BigInt(ticks) * step, scale);
  }

  function recompute(state: AccountRiskState) {
    let equity = state.cash;
    let margin = Decimal.ZERO;
    for (const p of state.positions()) {
      const instrument = ctx.catalogue.get(p.symbol)!;
      equity = equity.add(valuePosition(instrument, p, p.mark).equity);
      margin = margin.add(
        marginRequirement({
          instrument,
          quantity: p.quantity,
          price: p.mark,
          accountType: 'margin',
          optionLevel: 4,
        }),
      );
    }
    const reserved = state.openOrders().reduce((sum, o) => sum.add(o.reserved), Decimal.ZERO);
    return { equity, available: equity.sub(margin).sub(reserved), open: state.openOrders().length };
  }

  test('after any sequence of accepts, fills, cancels and marks', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const state = makeState({ cash: dec('1000000') });
        let n = 0;
        for (const o of ops) {
          const open = state.openOrders();
          if (o.kind === 'order') {
            const quantity = Decimal.from(BigInt(o.lots) * (lots[o.symbol] ?? 1n));
            const order = makeOrder({
              symbol: o.symbol,
              side: o.sell ? 'sell' : 'buy',
              quantity,
              limitPrice: priceOf(o.symbol, o.ticks),
            });
            state.recordAccepted(`p${n++}`, order, ctx);
          } else if (o.kind === 'fill' && open.length > 0) {
            const target = open[o.pick % open.length]!;
            const lot = lots[target.order.symbol] ?? 1n;
            const remainingLots = target.remaining.units / lot;
            const q = Decimal.from(((remainingLots * BigInt(o.part)) / 3n || 1n) * lot);
            state.recordFill(target.id, q, target.order.limitPrice!, ctx);
          } else if (o.kind === 'cancel' && open.length > 0) {
            state.recordCancelled(open[o.pick % open.length]!.id, ctx);
          } else if (o.kind === 'mark') {
            state.markPrice(o.symbol, priceOf(o.symbol, o.ticks), ctx);
          }
        }
        const truth = recompute(state);
        assert.equal(state.equity().toString(), truth.equity.toString());
        assert.equal(state.availableFunds().toString(), truth.available.toString());
        assert.equal(state.openOrderCount, truth.open);
        for (const s of symbols) {
          const sum = (side: 'buy' | 'sell') =>
            state
              .openOrders()
              .filter((x) => x.order.symbol === s && x.order.side === side)
              .reduce((a, x) => a.add(x.remaining), Decimal.ZERO);
          assert.equal(state.openQuantity(s, 'buy').toString(), sum('buy').toString());
          assert.equal(state.openQuantity(s, 'sell').toString(), sum('sell').toString());
        }
      }),
      { numRuns: 200 },
    );
  });
});
