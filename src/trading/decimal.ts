/**
 * Exact fixed-point decimals for money, prices and quantities.
 *
 * A `Decimal` is `units × 10^-scale` with `units` a bigint and `scale` a small
 * non-negative integer. Values are immutable. Addition, subtraction and
 * multiplication are exact (the result scale grows as needed); division and
 * rounding always name their result scale and rounding mode. Nothing here ever
 * passes through a JS float.
 *
 * Parsing is strict: plain decimal notation only (`-12.345`), no exponent, no
 * whitespace, at most {@link MAX_PARSE_SCALE} fractional digits and
 * {@link MAX_INTEGER_DIGITS} integer digits. Bad untrusted text throws a
 * {@link DecimalFormatError} (code `INVALID_DECIMAL`); programmer misuse
 * (a non-integer scale, a float passed to `from`) throws `TypeError`.
 */

export type RoundingMode = 'half-even' | 'half-up' | 'toward-zero' | 'floor' | 'ceil';

/** Most fractional digits accepted when parsing text. */
export const MAX_PARSE_SCALE = 18;
/** Most integer digits accepted when parsing text (bounds the work on hostile input). */
export const MAX_INTEGER_DIGITS = 30;

const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 64; i++, p *= 10n) POW10.push(p);

/** 10^n as a bigint (cached for n ≤ 64). */
export function pow10(n: number): bigint {
  return POW10[n] ?? 10n ** BigInt(n);
}

/** Thrown for text that is not a valid decimal. */
export class DecimalFormatError extends Error {
  readonly code = 'INVALID_DECIMAL';
  readonly input: string;
  constructor(input: string, reason: string) {
    super(
      `Not a valid decimal (${reason}): ${JSON.stringify(input.length > 64 ? input.slice(0, 64) + '…' : input)}`,
    );
    this.name = 'DecimalFormatError';
    this.input = input;
  }
}

function assertScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 0 || scale > 1000) {
    throw new TypeError(`Decimal scale must be an integer in 0..1000, got ${scale}`);
  }
}

/** Divides n by a positive d and rounds the quotient per mode. */
export function divRound(n: bigint, d: bigint, mode: RoundingMode): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const negative = n < 0n;
  switch (mode) {
    case 'toward-zero':
      return q;
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceil':
      return negative ? q : q + 1n;
    default: {
      const twice = (negative ? -r : r) * 2n;
      const away = negative ? q - 1n : q + 1n;
      if (twice > d) return away;
      if (twice < d) return q;
      if (mode === 'half-up') return away;
      return q % 2n === 0n ? q : away;
    }
  }
}

export class Decimal {
  readonly units: bigint;
  readonly scale: number;
  #text: string | undefined;

  private constructor(units: bigint, scale: number) {
    this.units = units;
    this.scale = scale;
  }

  static readonly ZERO: Decimal = new Decimal(0n, 0);
  static readonly ONE: Decimal = new Decimal(1n, 0);

  /** `units × 10^-scale`, e.g. `Decimal.of(12345n, 2)` is 123.45. */
  static of(units: bigint, scale = 0): Decimal {
    if (scale !== 0) assertScale(scale);
    return new Decimal(units, scale);
  }

  /** Parses strict decimal text; throws DecimalFormatError. */
  static parse(text: string): Decimal {
    const result = Decimal.tryParse(text);
    if (result === undefined) throw new DecimalFormatError(String(text), describeParseFailure(String(text)));
    return result;
  }

  /** Parses strict decimal text; undefined when it is not valid. */
  static tryParse(text: string): Decimal | undefined {
    if (typeof text !== 'string' || text.length > MAX_INTEGER_DIGITS + MAX_PARSE_SCALE + 2) return undefined;
    const m = DECIMAL_PATTERN.exec(text);
    if (m === null) return undefined;
    const int = m[2] ?? '';
    const frac = m[3] ?? '';
    if (int.length > MAX_INTEGER_DIGITS || frac.length > MAX_PARSE_SCALE) return undefined;
    const units = BigInt(int + frac);
    return new Decimal(m[1] === '-' ? -units : units, frac.length);
  }

  /** Accepts a Decimal, decimal text, a bigint, or a safe integer number (never a fraction). */
  static from(value: Decimal | string | bigint | number): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === 'string') return Decimal.parse(value);
    if (typeof value === 'bigint') return new Decimal(value, 0);
    if (Number.isSafeInteger(value)) return new Decimal(BigInt(value), 0);
    throw new TypeError(`Decimal.from accepts only safe integers as numbers (got ${value}); pass a string`);
  }

  static min(a: Decimal, b: Decimal): Decimal {
    return a.cmp(b) <= 0 ? a : b;
  }

  static max(a: Decimal, b: Decimal): Decimal {
    return a.cmp(b) >= 0 ? a : b;
  }

  /** Units rescaled to a larger or equal scale (exact). */
  unitsAt(scale: number): bigint {
    return scale === this.scale ? this.units : this.units * pow10(scale - this.scale);
  }

  add(other: Decimal): Decimal {
    const s = this.scale;
    const o = other.scale;
    if (s === o) return new Decimal(this.units + other.units, s);
    if (s > o) return new Decimal(this.units + other.units * pow10(s - o), s);
    return new Decimal(this.units * pow10(o - s) + other.units, o);
  }

  sub(other: Decimal): Decimal {
    const s = this.scale;
    const o = other.scale;
    if (s === o) return new Decimal(this.units - other.units, s);
    if (s > o) return new Decimal(this.units - other.units * pow10(s - o), s);
    return new Decimal(this.units * pow10(o - s) - other.units, o);
  }

  /** Exact product; the result scale is the sum of the scales. */
  mul(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  /** Quotient rounded to `scale` fractional digits. Throws RangeError on division by zero. */
  div(other: Decimal, scale: number, mode: RoundingMode): Decimal {
    assertScale(scale);
    if (other.units === 0n) throw new RangeError('Decimal division by zero');
    // this/other = (tu·10^-ts)/(ou·10^-os); result units = tu·10^(scale+os-ts) / ou
    const shift = scale + other.scale - this.scale;
    let n = this.units;
    let d = other.units;
    if (shift >= 0) n *= pow10(shift);
    else d *= pow10(-shift);
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    return new Decimal(divRound(n, d, mode), scale);
  }

  /** This value rounded (or exactly extended) to `scale` fractional digits. */
  round(scale: number, mode: RoundingMode): Decimal {
    assertScale(scale);
    if (scale >= this.scale) return scale === this.scale ? this : new Decimal(this.unitsAt(scale), scale);
    return new Decimal(divRound(this.units, pow10(this.scale - scale), mode), scale);
  }

  /** The same value at the smallest scale that represents it. */
  normalize(): Decimal {
    if (this.scale === 0) return this;
    if (this.units === 0n) return Decimal.ZERO;
    let units = this.units;
    let scale = this.scale;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale--;
    }
    return scale === this.scale ? this : new Decimal(units, scale);
  }

  neg(): Decimal {
    return this.units === 0n ? this : new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? new Decimal(-this.units, this.scale) : this;
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.units > 0n ? 1 : this.units < 0n ? -1 : 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  /** -1, 0 or 1 as this is below, equal to or above other. */
  cmp(other: Decimal): -1 | 0 | 1 {
    const s = this.scale;
    const o = other.scale;
    let a = this.units;
    let b = other.units;
    if (s > o) b *= pow10(s - o);
    else if (o > s) a *= pow10(o - s);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(other: Decimal): boolean {
    return this.cmp(other) === 0;
  }

  lt(other: Decimal): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: Decimal): boolean {
    return this.cmp(other) <= 0;
  }

  gt(other: Decimal): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: Decimal): boolean {
    return this.cmp(other) >= 0;
  }

  /** True when this is an integer multiple of a positive step (e.g. a tick or lot size). */
  isMultipleOf(step: Decimal): boolean {
    if (step.units <= 0n) throw new TypeError('isMultipleOf needs a positive step');
    const s = Math.max(this.scale, step.scale);
    return this.unitsAt(s) % step.unitsAt(s) === 0n;
  }

  /** Canonical text: no exponent, no trailing fractional zeros, "0" for zero. */
  toString(): string {
    if (this.#text === undefined) this.#text = format(this.normalize());
    return this.#text;
  }

  /** Text with exactly `scale` fractional digits, rounding per mode (half-even by default). */
  toFixed(scale: number, mode: RoundingMode = 'half-even'): string {
    return format(this.round(scale, mode));
  }

  toJSON(): string {
    return this.toString();
  }
}

function format(d: Decimal): string {
  const negative = d.units < 0n;
  const digits = (negative ? -d.units : d.units).toString();
  if (d.scale === 0) return negative ? '-' + digits : digits;
  const padded = digits.padStart(d.scale + 1, '0');
  const cut = padded.length - d.scale;
  const text = padded.slice(0, cut) + '.' + padded.slice(cut);
  return negative ? '-' + text : text;
}

function describeParseFailure(text: string): string {
  if (text === '') return 'empty';
  if (/[eE]/.test(text)) return 'exponent notation is not accepted';
  if (!DECIMAL_PATTERN.test(text)) return 'expected digits with an optional sign and fraction';
  return `at most ${MAX_INTEGER_DIGITS} integer and ${MAX_PARSE_SCALE} fractional digits`;
}

/** Shorthand for `Decimal.parse`, for literals in code and tests. */
export function dec(text: string): Decimal {
  return Decimal.parse(text);
}
