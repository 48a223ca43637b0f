import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatAmount, parseAmount } from './amount.ts';

test('amounts compare exactly where floats would not (0.1 + 0.2 is exactly 0.3)', () => {
  assert.equal(parseAmount('0.1')! + parseAmount('0.2')!, parseAmount('0.3'));
  assert.ok(
    parseAmount('1000000000000000000000.000000000000000001')! > parseAmount('1000000000000000000000')!,
  );
});

test('trailing zeros do not change the value', () => {
  assert.equal(parseAmount('25000.50'), parseAmount('25000.5'));
  assert.equal(formatAmount(parseAmount('25000.500')!), '25000.5');
});

test('only plain non-negative decimal text is an amount', () => {
  for (const bad of [
    '',
    '-1',
    '+1',
    '1e6',
    ' 1',
    '1 ',
    '01',
    '1.',
    '.5',
    '1,000',
    'NaN',
    '1.0000000000000000001',
  ]) {
    assert.equal(parseAmount(bad), undefined, bad);
  }
});

test('property: formatting a parsed amount and parsing it again is the identity', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), (units) => {
      assert.equal(parseAmount(formatAmount(units)), units);
    }),
  );
});
