import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { activated, failure, newFactorRecord, removed, stateFailure, used, usedFactor } from './record.ts';
import type { Factor, FactorRecord } from './types.ts';

/**
 * Single-use recovery codes (NIST "look-up secrets").
 *
 * Ten codes of ten characters from Crockford's base32 alphabet (no I, L, O,
 * U), shown as `xxxxx-xxxxx`: 5 bits per character, 50 bits per code, drawn
 * with crypto.randomInt (uniform). Input is forgiving: case, spaces and
 * dashes are ignored, and o→0, i/l→1 as in Crockford decoding.
 *
 * Storage is HMAC-SHA-256 keyed with a server pepper, not bare SHA-256:
 * 50 bits is far too much to guess online, but a leaked table of plain
 * SHA-256 digests could be brute-forced offline in about a GPU-day per code.
 * With the pepper held outside the database (configuration or a KMS), a
 * database leak alone reveals nothing testable. A slow hash (argon2) is not
 * needed on top: the pepper already removes the offline attack, and matching
 * checks all ten hashes on every attempt.
 */

export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_LENGTH = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const HASH_LABEL = 'portcullis-recovery-code/v1:';

export interface StoredRecoveryCode {
  /** HMAC-SHA-256(pepper, label ‖ normalised code), base64url. */
  hash: string;
  usedAt: number | null;
}

export type RecoveryCodeFailureCode =
  /** Not ten characters of the code alphabet once spaces and dashes are removed. */
  | 'RECOVERY_CODE_MALFORMED'
  /** Matches none of the user's codes. */
  | 'RECOVERY_CODE_INVALID'
  /** Matches a code already used: worth an alert, someone may hold an old printout. */
  | 'RECOVERY_CODE_USED';

export type RecoveryCodeMatch = { ok: true; index: number } | { ok: false; code: RecoveryCodeFailureCode };

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let raw = '';
    for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
    codes.add(`${raw.slice(0, 5)}-${raw.slice(5)}`);
  }
  return [...codes];
}

/** The canonical form (ten lower-case characters, no dash) or null when the input cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  if (typeof input !== 'string') return null;
  const text = input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
  if (text.length !== RECOVERY_CODE_LENGTH) return null;
  return [...text].every((c) => ALPHABET.includes(c)) ? text : null;
}

function checkPepper(pepper: Uint8Array): void {
  if (!(pepper instanceof Uint8Array) || pepper.length < 32) {
    throw new TypeError('the recovery-code pepper must be at least 32 bytes');
  }
}

/** Hashes a code for storage; throws TypeError for a malformed code (codes come from generateRecoveryCodes). */
export function hashRecoveryCode(code: string, pepper: Uint8Array): string {
  checkPepper(pepper);
  const normalized = normalizeRecoveryCode(code);
  if (!normalized) throw new TypeError('not a recovery code');
  return createHmac('sha256', pepper).update(HASH_LABEL).update(normalized).digest('base64url');
}

export function storeRecoveryCodes(codes: readonly string[], pepper: Uint8Array): StoredRecoveryCode[] {
  return codes.map((code) => ({ hash: hashRecoveryCode(code, pepper), usedAt: null }));
}

/**
 * Compares the input's hash with every stored hash in constant time, never
 * stopping early, and tells which index matched.
 */
export function matchRecoveryCode(
  input: string,
  stored: readonly StoredRecoveryCode[],
  pepper: Uint8Array,
): RecoveryCodeMatch {
  checkPepper(pepper);
  if (!normalizeRecoveryCode(input)) return { ok: false, code: 'RECOVERY_CODE_MALFORMED' };
  const candidate = Buffer.from(hashRecoveryCode(input, pepper), 'base64url');
  let matched = -1;
  stored.forEach((entry, index) => {
    const hash = Buffer.from(entry.hash, 'base64url');
    const equal = hash.length === candidate.length && timingSafeEqual(hash, candidate);
    if (equal) matched = index;
  });
  const entry = stored[matched];
  if (!entry) return { ok: false, code: 'RECOVERY_CODE_INVALID' };
  return entry.usedAt === null ? { ok: true, index: matched } : { ok: false, code: 'RECOVERY_CODE_USED' };
}

export function markRecoveryCodeUsed(
  stored: readonly StoredRecoveryCode[],
  index: number,
  now: number,
): StoredRecoveryCode[] {
  return stored.map((entry, i) => (i === index ? { ...entry, usedAt: now } : entry));
}

export function remainingRecoveryCodes(stored: readonly StoredRecoveryCode[]): number {
  return stored.filter((entry) => entry.usedAt === null).length;
}

// ── the Factor ────────────────────────────────────────────────────────────

export interface RecoveryCodeSpec {
  method: 'recovery_code';
  data: { codes: StoredRecoveryCode[] };
  enrollInput: { pepper: Uint8Array };
  /** The plain codes, shown once. */
  enrollment: { codes: string[] };
  /** The user states they have saved the codes. */
  confirmInput: { acknowledged: true };
  verifyInput: { code: string; pepper: Uint8Array };
  failure: RecoveryCodeFailureCode;
}

const MESSAGES: Record<RecoveryCodeFailureCode, string> = {
  RECOVERY_CODE_MALFORMED: 'Recovery codes have ten letters and digits, like abcde-12345.',
  RECOVERY_CODE_INVALID: 'This recovery code is not correct.',
  RECOVERY_CODE_USED: 'This recovery code has already been used.',
};

type Record_ = FactorRecord<RecoveryCodeSpec>;

/** Regenerating means enrolling a new set and removing the old record. */
export const recoveryCodeFactor = {
  method: 'recovery_code',
  async enroll(input, ctx) {
    const codes = generateRecoveryCodes();
    const record = newFactorRecord(
      'recovery_code',
      input,
      { codes: storeRecoveryCodes(codes, input.pepper) },
      ctx,
    );
    return { record, enrollment: { codes } };
  },
  async confirm(record, _input, ctx) {
    const wrongState = stateFailure(record, 'pending');
    if (wrongState) return failure<RecoveryCodeSpec, Record_>(record, wrongState.code, wrongState.message);
    return { ok: true, record: activated(record, record.data, ctx), used: usedFactor('recovery_code', ctx) };
  },
  async verify(record, input, ctx) {
    const wrongState = stateFailure(record, 'active');
    if (wrongState) return failure<RecoveryCodeSpec, Record_>(record, wrongState.code, wrongState.message);
    const match = matchRecoveryCode(input.code, record.data.codes, input.pepper);
    if (!match.ok) return failure<RecoveryCodeSpec, Record_>(record, match.code, MESSAGES[match.code]);
    const codes = markRecoveryCodeUsed(record.data.codes, match.index, ctx.now);
    return { ok: true, record: used(record, { codes }, ctx), used: usedFactor('recovery_code', ctx) };
  },
  remove: (record, ctx) => removed(record, ctx),
} as const satisfies Factor<RecoveryCodeSpec>;
