import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getInstrument } from '../trading/catalogue.ts';
import { dec } from '../trading/decimal.ts';
import type { Instrument } from '../trading/instruments.ts';
import { type MarginInput, marginRequirement, orderRequirement } from './margin.ts';

const inst = (symbol: string): Instrument => getInstrument(symbol)!;

type ReqInput = Omit<Partial<MarginInput>, 'quantity' | 'price'> & {
  symbol: string;
  quantity: string;
  price: string;
};

function req(input: ReqInput, kind?: 'maintenance') {
  const { symbol, quantity, price, ...rest } = input;
  const full: MarginInput = {
    instrument: inst(symbol),
    quantity: dec(quantity),
    price: dec(price),
    accountType: 'margin',
    optionLevel: 4,
    ...rest,
  };
  return marginRequirement(full, kind).toString();
}

describe('margin model: stocks and ETFs', () => {
  test('when a cash account holds stock then the full value is required', () => {
    assert.equal(req({ symbol: 'AAPL', quantity: '100', price: '190', accountType: 'cash' }), '19000');
  });

  test('when a margin account holds stock then 50% initial and 25% maintenance', () => {
    assert.equal(req({ symbol: 'SPY', quantity: '10', price: '550' }), '2750');
    assert.equal(req({ symbol: 'SPY', quantity: '10', price: '550' }, 'maintenance'), '1375');
  });

  test('when a margin account is short stock then 50% of the value on top of the proceeds', () => {
    assert.equal(req({ symbol: 'AAPL', quantity: '-100', price: '190' }), '9500');
  });

  test('when flat then nothing is required', () => {
    assert.equal(req({ symbol: 'AAPL', quantity: '0', price: '190' }), '0');
  });
});

describe('margin model: options', () => {
  test('when long an option then the premium is paid in full (× 100)', () => {
    assert.equal(req({ symbol: 'AAPL270319C180', quantity: '2', price: '22.40' }), '4480');
  });

  test('when short a covered call then nothing is required', () => {
    assert.equal(req({ symbol: 'AAPL270319C180', quantity: '-2', price: '22.40', coveredCall: true }), '0');
  });

  test('when short a put at level 2 then it is cash-secured: strike × 100 per contract', () => {
    assert.equal(req({ symbol: 'AAPL270319P180', quantity: '-1', price: '8.10', optionLevel: 2 }), '18000');
    assert.equal(
      req({ symbol: 'AAPL270319P180', quantity: '-1', price: '8.10', accountType: 'cash' }),
      '18000',
    );
  });

  test('when short an uncovered put at level 3 then 20% of underlying less out-of-the-money amount', () => {
    // 0.20 × 190 − (190 − 180) = 28 per share → 2,800 per contract (above the 10% × 180 = 18 floor)
    const input = { symbol: 'AAPL270319P180', quantity: '-1', price: '8.10', underlyingPrice: dec('190') };
    assert.equal(req({ ...input, optionLevel: 3 }), '2800');
  });

  test('when an uncovered call is far out of the money then the 10% of underlying minimum applies', () => {
    // 0.20 × 150 − (200 − 150) = −20 → floor 0.10 × 150 = 15 → 1,500 per contract
    const input = { symbol: 'AAPL271217C200', quantity: '-1', price: '1.00', underlyingPrice: dec('150') };
    assert.equal(req(input), '1500');
  });

  test('when an uncovered short option has no underlying price then TypeError', () => {
    assert.throws(() => req({ symbol: 'AAPL271217C200', quantity: '-1', price: '1.00' }), TypeError);
  });
});

describe('margin model: futures, FX, forecast', () => {
  test('when holding futures then fixed per-contract initial and maintenance margin, long or short', () => {
    assert.equal(req({ symbol: 'ES', quantity: '2', price: '5500' }), '26400');
    assert.equal(req({ symbol: 'ES', quantity: '-2', price: '5500' }, 'maintenance'), '24000');
  });

  test('when holding FX then the margin rate of the USD notional', () => {
    assert.equal(req({ symbol: 'EURUSD', quantity: '100000', price: '1.08500' }), '3255');
    assert.equal(req({ symbol: 'USDJPY', quantity: '-100000', price: '155.000' }), '3000');
    assert.equal(req({ symbol: 'AUDUSD', quantity: '10000', price: '0.66000' }), '330');
  });

  test('when long a forecast contract then the price; when short then 1 − price (the most it can lose)', () => {
    assert.equal(req({ symbol: 'FEDCUT-27MAR', quantity: '100', price: '0.42' }), '42');
    assert.equal(req({ symbol: 'FEDCUT-27MAR', quantity: '-100', price: '0.42' }), '58');
  });
});

describe('orderRequirement', () => {
  const base = (quantity: string, price = '190'): MarginInput => ({
    instrument: inst('AAPL'),
    quantity: dec(quantity),
    price: dec(price),
    accountType: 'margin',
    optionLevel: 0,
  });

  test('when an order opens a position then it needs the initial requirement of the new quantity', () => {
    assert.equal(orderRequirement(base('0'), dec('10')).toString(), '950');
    assert.equal(orderRequirement(base('10'), dec('10')).toString(), '950');
  });

  test('when an order lowers the requirement then it needs nothing (never negative)', () => {
    assert.equal(orderRequirement(base('100'), dec('-100')).toString(), '0');
    assert.equal(orderRequirement(base('100'), dec('-150')).toString(), '0');
  });

  test('when an order flips a short into a larger long then it needs the rise only', () => {
    assert.equal(orderRequirement(base('-10'), dec('30')).toString(), '950'); // 0.5×190×(20 − 10)
  });
});
