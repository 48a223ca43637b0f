import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { getInstrument } from '../trading/catalogue.ts';
import { Decimal, dec } from '../trading/decimal.ts';
import { applyFill, averagePrice, FLAT, type Position, valuePosition } from './positions.ts';

const aapl = getInstrument('AAPL')!;
const es = getInstrument('ES')!;
const usdjpy = getInstrument('USDJPY')!;
const option = getInstrument('AAPL270319C180')!;

function fills(instrument = aapl, steps: [string, string][]) {
  let position: Position = FLAT;
  let realised = Decimal.ZERO;
  let cash = Decimal.ZERO;
  for (const [q, p] of steps) {
    const out = applyFill(instrument, position, dec(q), dec(p));
    position = out.position;
    realised = realised.add(out.realised);
    cash = cash.add(out.cashFlow);
  }
  return { position, realised: realised.toString(), cash: cash.toString() };
}

describe('applyFill', () => {
  test('when adding to a long then the average price is volume weighted and nothing is realised', () => {
    const r = fills(aapl, [
      ['100', '190'],
      ['100', '200'],
    ]);
    assert.equal(r.position.quantity.toString(), '200');
    assert.equal(averagePrice(r.position, 2)?.toString(), '195');
    assert.equal(r.realised, '0');
    assert.equal(r.cash, '-39000');
  });

  test('when selling part of a long above cost then that part’s profit is realised', () => {
    const r = fills(aapl, [
      ['100', '190'],
      ['-40', '200'],
    ]);
    assert.equal(r.realised, '400');
    assert.equal(r.position.quantity.toString(), '60');
    assert.equal(averagePrice(r.position, 2)?.toString(), '190');
  });

  test('when a sell exceeds the long then it closes at a profit and opens a short at the fill price', () => {
    const r = fills(aapl, [
      ['10', '100'],
      ['-15', '110'],
    ]);
    assert.equal(r.realised, '100');
    assert.equal(r.position.quantity.toString(), '-5');
    assert.equal(averagePrice(r.position, 2)?.toString(), '110');
  });

  test('when covering a short below the sale price then a profit is realised', () => {
    assert.equal(
      fills(aapl, [
        ['-10', '100'],
        ['10', '90'],
      ]).realised,
      '100',
    );
  });

  test('when closing options then the 100 multiplier applies to cash and P&L', () => {
    const r = fills(option, [
      ['1', '22.40'],
      ['-1', '25.00'],
    ]);
    assert.equal(r.realised, '260');
    assert.equal(r.cash, '260');
    assert.equal(r.position.quantity.isZero(), true);
  });

  test('when trading futures then no price changes hands; only realised P&L moves cash', () => {
    const open = fills(es, [['2', '5500']]);
    assert.equal(open.cash, '0');
    const closed = fills(es, [
      ['2', '5500'],
      ['-2', '5510.25'],
    ]);
    assert.equal(closed.realised, '1025'); // 10.25 × 50 × 2
    assert.equal(closed.cash, '1025');
  });

  test('when closing a USD-based FX pair then yen P&L converts to dollars at the closing price', () => {
    const r = fills(usdjpy, [
      ['100000', '155.000'],
      ['-100000', '156.000'],
    ]);
    assert.equal(r.realised, '641.025641'); // 100,000 JPY / 156
  });
});

describe('valuePosition', () => {
  test('when a long stock is marked up then its value and unrealised profit rise', () => {
    const p = { quantity: dec('100'), cost: dec('19000') };
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(valuePosition(aapl, p, dec('200'))).map(([k, v]) => [k, v.toString()]),
      ),
      { unrealised: '1000', equity: '20000' },
    );
  });

  test('when a future is marked then only the unrealised P&L counts toward equity', () => {
    const v = valuePosition(es, { quantity: dec('-1'), cost: dec('-5500') }, dec('5490'));
    assert.equal(v.unrealised.toString(), '500');
    assert.equal(v.equity.toString(), '500');
  });
});

describe('P&L conservation (property based)', () => {
  test('realised + unrealised always equals final value minus cash paid, whatever the rounding of average cost', () => {
    const fill = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 100_000 }));
    fc.assert(
      fc.property(
        fc.array(fill, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 100_000 }),
        (steps, markCents) => {
          let position: Position = FLAT;
          let realised = Decimal.ZERO;
          let paid = Decimal.ZERO;
          for (const [q, cents] of steps) {
            if (q === 0) continue;
            const price = Decimal.of(BigInt(cents), 2);
            const out = applyFill(aapl, position, Decimal.from(q), price);
            position = out.position;
            realised = realised.add(out.realised);
            paid = paid.add(Decimal.from(q).mul(price));
          }
          const mark = Decimal.of(BigInt(markCents), 2);
          const { unrealised } = valuePosition(aapl, position, mark);
          assert.ok(realised.add(unrealised).eq(position.quantity.mul(mark).sub(paid)));
        },
      ),
    );
  });
});
