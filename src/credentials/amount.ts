/**
 * Exact non-negative money amounts for credential limits, as decimal strings.
 *
 * An amount is held as a bigint of 10^-18 units, so comparison and addition
 * are exact integer operations and no value ever passes through a float.
 * Plain notation only (`1250000`, `0.5`), at most 18 fractional and 30
 * integer digits, no sign, exponent or whitespace.
 */
export const AMOUNT_SCALE = 18;
const UNIT = 10n ** BigInt(AMOUNT_SCALE);
const AMOUNT_PATTERN = /^(0|[1-9][0-9]{0,29})(?:\.([0-9]{1,18}))?$/;

/** The amount in 10^-18 units, or undefined when the text is not a valid amount. */
export function parseAmount(text: string): bigint | undefined {
  const match = AMOUNT_PATTERN.exec(text);
  if (match === null) return undefined;
  const fraction = (match[2] ?? '').padEnd(AMOUNT_SCALE, '0');
  return BigInt(match[1]!) * UNIT + BigInt(fraction);
}

/** Formats 10^-18 units back to the shortest plain decimal text. */
export function formatAmount(units: bigint): string {
  const whole = units / UNIT;
  const fraction = (units % UNIT).toString().padStart(AMOUNT_SCALE, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}
