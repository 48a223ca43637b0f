import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Decimal, DecimalFormatError, dec, divRound, type RoundingMode } from './decimal.ts';

const decimalArb = fc
  .tuple(fc.bigInt({ min: -(10n ** 30n) + 1n, max: 10n ** 30n - 1n }), fc.integer({ min: 0, max: 18 }))
  .map(([units, scale]) => Decimal.of(units, scale));
const nonZeroArb = decimalArb.filter((d) => !d.isZero());
const modes: RoundingMode[] = ['half-even', 'half-up', 'toward-zero', 'floor', 'ceil'];

describe('Decimal parsing', () => {
  test('when text is plain decimal notation then it parses exactly', () => {
    assert.equal(dec('123.45').units, 12345n);
    assert.equal(dec('123.45').scale, 2);
    assert.equal(dec('-0.001').toString(), '-0.001');
    assert.equal(dec('+7').toString(), '7');
    assert.equal(dec('007.500').toString(), '7.5');
  });

  for (const bad of [
    '',
    ' 1',
    '1 ',
    '1e5',
    '1E-2',
    'NaN',
    'Infinity',
    '.5',
    '1.',
    '--1',
    '1,5',
    '0x10',
    '١',
  ]) {
    test(`when text is ${JSON.stringify(bad)} then parse throws INVALID_DECIMAL`, () => {
      assert.throws(
        () => dec(bad),
        (err: unknown) => err instanceof DecimalFormatError && err.code === 'INVALID_DECIMAL',
      );
      assert.equal(Decimal.tryParse(bad), undefined);
    });
  }

  test('when fraction has 18 digits then accepted and with 19 then rejected', () => {
    assert.equal(dec('0.' + '1'.repeat(18)).scale, 18);
    assert.throws(() => dec('0.' + '1'.repeat(19)), /fractional/);
  });

  test('when integer part has more than 30 digits then rejected', () => {
    assert.equal(dec('9'.repeat(30)).toString(), '9'.repeat(30));
    assert.throws(() => dec('9'.repeat(31)), DecimalFormatError);
  });

  test('when from is given a fractional number then TypeError (floats never become money)', () => {
    assert.throws(() => Decimal.from(0.1), TypeError);
    assert.equal(Decimal.from(42).toString(), '42');
    assert.equal(Decimal.from(5n).toString(), '5');
  });
});

describe('Decimal arithmetic', () => {
  test('when adding values of different scales then the result is exact', () => {
    assert.equal(dec('0.1').add(dec('0.2')).toString(), '0.3');
    assert.equal(dec('1.005').sub(dec('2')).toString(), '-0.995');
    assert.equal(dec('19.99').mul(dec('3')).toString(), '59.97');
  });

  test('when dividing then the named scale and rounding mode apply', () => {
    assert.equal(dec('1').div(dec('3'), 4, 'half-even').toString(), '0.3333');
    assert.equal(dec('2').div(dec('3'), 2, 'half-even').toString(), '0.67');
    assert.equal(dec('2').div(dec('3'), 2, 'toward-zero').toString(), '0.66');
    assert.equal(dec('-2').div(dec('3'), 2, 'floor').toString(), '-0.67');
    assert.equal(dec('-2').div(dec('3'), 2, 'ceil').toString(), '-0.66');
    assert.equal(dec('10').div(dec('-4'), 0, 'half-even').toString(), '-2');
    assert.equal(dec('1.5').div(dec('0.25'), 0, 'half-even').toString(), '6');
  });

  test('when dividing by zero then RangeError', () => {
    assert.throws(() => dec('1').div(dec('0.00'), 2, 'half-even'), RangeError);
  });

  test('when rounding ties then half-even goes to the even neighbour and half-up away from zero', () => {
    assert.equal(dec('2.5').toFixed(0), '2');
    assert.equal(dec('3.5').toFixed(0), '4');
    assert.equal(dec('-2.5').toFixed(0), '-2');
    assert.equal(dec('2.5').toFixed(0, 'half-up'), '3');
    assert.equal(dec('-2.5').toFixed(0, 'half-up'), '-3');
    assert.equal(dec('2.51').toFixed(0), '3');
    assert.equal(dec('1.2').toFixed(3), '1.200');
  });

  test('when formatting then the text is canonical', () => {
    assert.equal(Decimal.of(0n, 5).toString(), '0');
    assert.equal(Decimal.of(-5n, 3).toString(), '-0.005');
    assert.equal(Decimal.of(1200n, 2).toString(), '12');
    assert.equal(JSON.stringify({ p: dec('1.50') }), '{"p":"1.5"}');
  });

  test('when checking multiples then tick and lot arithmetic is exact', () => {
    assert.equal(dec('100.25').isMultipleOf(dec('0.25')), true);
    assert.equal(dec('100.26').isMultipleOf(dec('0.25')), false);
    assert.equal(dec('3000').isMultipleOf(dec('1000')), true);
    assert.equal(dec('0.005').isMultipleOf(dec('0.01')), false);
  });

  test('when comparing then sign, min, max and predicates agree', () => {
    assert.equal(dec('-0.5').sign(), -1);
    assert.equal(dec('0.000').sign(), 0);
    assert.equal(dec('0.000').isZero(), true);
    assert.equal(Decimal.min(dec('1.1'), dec('1.10')).eq(dec('1.1')), true);
    assert.equal(Decimal.max(dec('-1'), dec('0.5')).toString(), '0.5');
    assert.equal(dec('2.00').eq(dec('2')), true);
    assert.equal(dec('1.99').lt(dec('2')), true);
    assert.equal(dec('-3').abs().toString(), '3');
    assert.equal(dec('3').neg().toString(), '-3');
  });
});

describe('Decimal algebraic laws (property based)', () => {
  test('a + b - b = a', () => {
    fc.assert(fc.property(decimalArb, decimalArb, (a, b) => a.add(b).sub(b).eq(a)));
  });

  test('addition and multiplication commute and associate; multiplication distributes', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, decimalArb, (a, b, c) => {
        assert.ok(a.add(b).eq(b.add(a)));
        assert.ok(a.mul(b).eq(b.mul(a)));
        assert.ok(
          a
            .add(b)
            .add(c)
            .eq(a.add(b.add(c))),
        );
        assert.ok(a.mul(b.add(c)).eq(a.mul(b).add(a.mul(c))));
      }),
    );
  });

  test('ordering is total, antisymmetric and consistent with subtraction', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, (a, b) => {
        assert.equal(a.cmp(b), -b.cmp(a) || 0);
        assert.equal(a.cmp(b), a.sub(b).sign());
        assert.equal(a.lte(b) || a.gt(b), true);
      }),
    );
  });

  test('ordering is transitive', () => {
    fc.assert(
      fc.property(decimalArb, decimalArb, decimalArb, (a, b, c) => {
        if (a.lte(b) && b.lte(c)) assert.ok(a.lte(c));
      }),
    );
  });

  test('string round trip: parse(toString(x)) equals x and toString is canonical', () => {
    fc.assert(
      fc.property(decimalArb, (a) => {
        const text = a.toString();
        assert.ok(dec(text).eq(a));
        assert.equal(dec(text).toString(), text);
        assert.doesNotMatch(text, /\.\d*0$|e/i);
      }),
    );
  });

  test('toFixed at the value scale round-trips exactly', () => {
    fc.assert(fc.property(decimalArb, (a) => dec(a.toFixed(a.scale)).eq(a)));
  });

  test('(a * b) / b = a when the quotient scale covers a', () => {
    fc.assert(fc.property(decimalArb, nonZeroArb, (a, b) => a.mul(b).div(b, a.scale, 'half-even').eq(a)));
  });

  test('rounding bounds: floor ≤ x ≤ ceil, toward-zero shrinks, half modes within half a unit', () => {
    fc.assert(
      fc.property(decimalArb, fc.integer({ min: 0, max: 10 }), (x, scale) => {
        const ulp = Decimal.of(1n, scale);
        const half = Decimal.of(5n, scale + 1);
        assert.ok(x.round(scale, 'floor').lte(x));
        assert.ok(x.round(scale, 'ceil').gte(x));
        assert.ok(x.round(scale, 'ceil').sub(x.round(scale, 'floor')).lte(ulp));
        assert.ok(x.round(scale, 'toward-zero').abs().lte(x.abs()));
        for (const mode of ['half-even', 'half-up'] as const) {
          assert.ok(x.round(scale, mode).sub(x).abs().lte(half));
        }
      }),
    );
  });

  test('divRound agrees with floor/ceil definitions for every mode', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        (n, d) => {
          const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
          const results = Object.fromEntries(modes.map((m) => [m, divRound(n, d, m)]));
          assert.equal(results['floor'], floor);
          assert.equal(results['ceil'], n % d === 0n ? floor : floor + 1n);
          for (const m of modes) assert.ok(results[m] === floor || results[m] === floor + 1n);
        },
      ),
    );
  });
});
