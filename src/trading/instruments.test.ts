import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCatalogue, DEFAULT_CATALOGUE, getInstrument } from './catalogue.ts';
import { dec } from './decimal.ts';
import { ASSET_CLASSES, isEligible, isTradable, stock, tradability } from './instruments.ts';
import { SEED_INSTRUMENTS } from './seed-instruments.ts';

const MONDAY_NOON_NY = Date.parse('2026-11-23T17:00:00Z');
const SATURDAY_NOON_NY = Date.parse('2026-11-28T17:00:00Z');

describe('seeded catalogue', () => {
  test('when loaded then it holds at least 40 instruments covering every asset class', () => {
    assert.ok(DEFAULT_CATALOGUE.size >= 40);
    for (const cls of ASSET_CLASSES) assert.ok(DEFAULT_CATALOGUE.byAssetClass(cls).length >= 4, cls);
  });

  test('when looking a symbol up then the instrument is returned, and undefined when unknown', () => {
    assert.equal(getInstrument('AAPL')?.name, 'Apple Inc.');
    assert.equal(getInstrument('NOPE'), undefined);
    assert.equal(DEFAULT_CATALOGUE.has('EURUSD'), true);
  });

  test('when listing options then each has multiplier 100, a strike, an expiry and a known underlying', () => {
    const options = DEFAULT_CATALOGUE.byAssetClass('option');
    assert.ok(options.some((o) => o.assetClass === 'option' && o.right === 'call'));
    assert.ok(options.some((o) => o.assetClass === 'option' && o.right === 'put'));
    for (const o of options) {
      assert.equal(o.assetClass, 'option');
      if (o.assetClass !== 'option') continue;
      assert.equal(o.multiplier.toString(), '100');
      assert.ok(DEFAULT_CATALOGUE.has(o.underlying));
      assert.match(o.symbol, /^[A-Z]+\d{6}[CP]\d+$/);
      assert.ok(DEFAULT_CATALOGUE.optionsOn(o.underlying).includes(o));
    }
  });

  test('when listing futures then each carries a multiplier and fixed per-contract margins', () => {
    const es = getInstrument('ES');
    assert.equal(es?.assetClass, 'future');
    if (es?.assetClass !== 'future') return;
    assert.equal(es.multiplier.toString(), '50');
    assert.equal(es.tickSize.toString(), '0.25');
    assert.ok(es.maintenanceMargin.lt(es.initialMargin));
  });

  test('when listing FX pairs then base and quote currencies match the symbol', () => {
    const jpy = getInstrument('USDJPY');
    assert.equal(jpy?.assetClass, 'forex');
    if (jpy?.assetClass !== 'forex') return;
    assert.equal(jpy.baseCurrency, 'USD');
    assert.equal(jpy.quoteCurrency, 'JPY');
    assert.equal(jpy.currency, 'JPY');
  });

  test('when listing forecast contracts then they are priced in (0,1) and only US customers are eligible', () => {
    for (const f of DEFAULT_CATALOGUE.byAssetClass('forecast')) {
      assert.ok(f.referencePrice.isPositive() && f.referencePrice.lt(dec('1')));
      assert.equal(isEligible(f, 'US'), true);
      assert.equal(isEligible(f, 'DE'), false);
    }
    assert.equal(isEligible(getInstrument('AAPL')!, 'DE'), true);
  });

  test('when seeded then every reference price sits on its tick size', () => {
    for (const i of SEED_INSTRUMENTS) assert.ok(i.referencePrice.isMultipleOf(i.tickSize), i.symbol);
  });
});

describe('isTradable', () => {
  test('when it is Monday noon New York then stocks, futures, FX and forecasts all trade', () => {
    for (const symbol of ['AAPL', 'SPY', 'ES', 'EURUSD', 'FEDCUT-27MAR', 'AAPL270319C180']) {
      assert.equal(isTradable(getInstrument(symbol)!, MONDAY_NOON_NY), true, symbol);
    }
  });

  test('when it is Saturday then only forecast contracts trade', () => {
    assert.equal(isTradable(getInstrument('AAPL')!, SATURDAY_NOON_NY), false);
    assert.equal(isTradable(getInstrument('ES')!, SATURDAY_NOON_NY), false);
    assert.equal(isTradable(getInstrument('EURUSD')!, new Date(SATURDAY_NOON_NY)), false);
    assert.equal(isTradable(getInstrument('FEDCUT-27MAR')!, SATURDAY_NOON_NY), true);
  });

  test('when an option is past its expiry day then expired, and on the expiry day it trades', () => {
    const o = getInstrument('AAPL270319C180')!;
    assert.equal(tradability(o, Date.parse('2027-03-19T15:00:00Z')), 'open');
    assert.equal(tradability(o, Date.parse('2027-03-22T15:00:00Z')), 'expired');
  });
});

describe('createCatalogue validation', () => {
  test('when a symbol repeats or a price is off tick then every problem is reported together', () => {
    const ok = stock({ symbol: 'ABC', name: 'A', price: '10.00', volatility: 0.2 });
    const offTick = { ...ok, symbol: 'XYZ', referencePrice: dec('10.005') };
    assert.throws(
      () => createCatalogue([ok, ok, offTick]),
      (err: unknown) =>
        err instanceof TypeError &&
        /ABC: duplicate symbol/.test(err.message) &&
        /XYZ: reference price/.test(err.message),
    );
  });
});
