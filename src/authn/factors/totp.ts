import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { activated, failure, newFactorRecord, removed, stateFailure, used, usedFactor } from './record.ts';
import type { Factor, FactorContext, FactorOutcome, FactorRecord } from './types.ts';

/**
 * Authenticator-app codes (RFC 6238 TOTP over RFC 4226 HOTP), via `otpauth`.
 * Portcullis enrols SHA-1, 6 digits, 30 s — the parameters every
 * authenticator app supports. The stored secret must be encrypted at rest
 * by the caller (the store's envelope encryption); it is returned only once,
 * at enrolment, for the user to scan or type.
 */

export const TOTP_ISSUER = 'Portcullis';
export const TOTP_ALGORITHM = 'SHA1';
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** 160 bits, the RFC 4226 §4 recommendation. */
export const TOTP_SECRET_BYTES = 20;
/** Steps accepted either side of the current one (clock drift and typing time). */
export const TOTP_WINDOW = 1;

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
/** A secret as base32 text (how it is stored) or raw bytes. */
export type OtpSecret = string | Uint8Array;

export type TotpFailureCode =
  /** The input is not a code of the expected number of digits. */
  | 'TOTP_MALFORMED'
  /** The code matches no time step in the window. */
  | 'TOTP_INVALID'
  /** The code matches a time step already used (or older): a replay. */
  | 'TOTP_REPLAYED';

export type TotpCheck = { ok: true; counter: number } | { ok: false; code: TotpFailureCode };

export function generateTotpSecret(): string {
  return new Secret({ buffer: toArrayBuffer(randomBytes(TOTP_SECRET_BYTES)) }).base32;
}

/** The `otpauth://totp/Portcullis:<account>?secret=…&issuer=Portcullis&…` key URI. */
export function totpUri(input: { secret: string; account: string }): string {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: input.account,
    secret: Secret.fromBase32(input.secret),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The key URI as a QR code, both as a PNG data URL and as an SVG document. */
export async function totpQrCode(uri: string): Promise<{ pngDataUrl: string; svg: string }> {
  const options = { errorCorrectionLevel: 'M' as const, margin: 2 };
  const [pngDataUrl, svg] = await Promise.all([
    QRCode.toDataURL(uri, { ...options, width: 256 }),
    QRCode.toString(uri, { ...options, type: 'svg' }),
  ]);
  return { pngDataUrl, svg };
}

/** An HOTP value for one counter (RFC 4226). */
export function hotpCode(input: {
  secret: OtpSecret;
  counter: number;
  algorithm?: OtpAlgorithm;
  digits?: number;
}): string {
  return HOTP.generate({
    secret: toSecret(input.secret),
    counter: input.counter,
    algorithm: input.algorithm ?? TOTP_ALGORITHM,
    digits: input.digits ?? TOTP_DIGITS,
  });
}

/** The time step (RFC 6238 T) for a Unix-millisecond instant. */
export function totpCounter(timestampMs: number, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(timestampMs / 1000 / periodSeconds);
}

/** A TOTP value at an instant (RFC 6238); defaults are Portcullis's enrolment parameters. */
export function totpCode(input: {
  secret: OtpSecret;
  timestampMs: number;
  algorithm?: OtpAlgorithm;
  digits?: number;
  periodSeconds?: number;
}): string {
  return hotpCode({
    secret: input.secret,
    counter: totpCounter(input.timestampMs, input.periodSeconds),
    ...(input.algorithm ? { algorithm: input.algorithm } : {}),
    ...(input.digits ? { digits: input.digits } : {}),
  });
}

/**
 * Checks a code against the steps now−window…now+window, comparing every
 * candidate in constant time without stopping early. Only a step greater
 * than `lastCounter` is accepted, so a code can never be used twice; the
 * caller stores the returned counter as the new `lastCounter`.
 */
export function verifyTotp(input: {
  secret: OtpSecret;
  code: string;
  now: number;
  lastCounter: number | null;
  window?: number;
}): TotpCheck {
  const code = input.code.replace(/\s+/g, '');
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return { ok: false, code: 'TOTP_MALFORMED' };
  const window = input.window ?? TOTP_WINDOW;
  const current = totpCounter(input.now);
  const matches: number[] = [];
  for (let counter = Math.max(0, current - window); counter <= current + window; counter++) {
    const expected = hotpCode({ secret: input.secret, counter });
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code))) matches.push(counter);
  }
  if (matches.length === 0) return { ok: false, code: 'TOTP_INVALID' };
  const fresh = matches.filter((c) => input.lastCounter === null || c > input.lastCounter);
  const best = fresh.at(-1);
  return best === undefined ? { ok: false, code: 'TOTP_REPLAYED' } : { ok: true, counter: best };
}

const MESSAGES: Record<TotpFailureCode, string> = {
  TOTP_MALFORMED: `Enter the ${TOTP_DIGITS}-digit code from your authenticator app.`,
  TOTP_INVALID: 'The code is not correct. Check your device clock and try the current code.',
  TOTP_REPLAYED: 'This code has already been used; wait for the next one.',
};

function toSecret(secret: OtpSecret): Secret {
  return typeof secret === 'string'
    ? Secret.fromBase32(secret)
    : new Secret({ buffer: toArrayBuffer(secret) });
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

// ── the Factor ────────────────────────────────────────────────────────────

export interface TotpData {
  /** Base32 secret; encrypt at rest. */
  secret: string;
  /** The last accepted time step; codes at or before it are replays. */
  lastCounter: number | null;
}

export interface TotpSpec {
  method: 'totp';
  data: TotpData;
  enrollInput: { account: string };
  enrollment: { secret: string; uri: string; qr: { pngDataUrl: string; svg: string } };
  confirmInput: { code: string };
  verifyInput: { code: string };
  failure: TotpFailureCode;
}

function check(
  record: FactorRecord<TotpSpec>,
  code: string,
  ctx: FactorContext,
  state: 'pending' | 'active',
): FactorOutcome<TotpSpec> {
  const wrongState = stateFailure(record, state);
  if (wrongState) return failure<TotpSpec, typeof record>(record, wrongState.code, wrongState.message);
  const result = verifyTotp({ ...record.data, code, now: ctx.now });
  if (!result.ok) return failure<TotpSpec, typeof record>(record, result.code, MESSAGES[result.code]);
  const data = { ...record.data, lastCounter: result.counter };
  const next = state === 'pending' ? activated(record, data, ctx) : used(record, data, ctx);
  return { ok: true, record: next, used: usedFactor('totp', ctx) };
}

export const totpFactor = {
  method: 'totp',
  async enroll(input, ctx) {
    const secret = generateTotpSecret();
    const uri = totpUri({ secret, account: input.account });
    const record = newFactorRecord('totp', input, { secret, lastCounter: null }, ctx);
    return { record, enrollment: { secret, uri, qr: await totpQrCode(uri) } };
  },
  async confirm(record, input, ctx) {
    return check(record, input.code, ctx, 'pending');
  },
  async verify(record, input, ctx) {
    return check(record, input.code, ctx, 'active');
  },
  remove: (record, ctx) => removed(record, ctx),
} as const satisfies Factor<TotpSpec>;
