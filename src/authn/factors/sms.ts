import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import {
  activated,
  FactorInputError,
  failure,
  newFactorRecord,
  removed,
  stateFailure,
  used,
  usedFactor,
} from './record.ts';
import type { SmsSender } from './sms-senders.ts';
import type { Factor, FactorContext, FactorRecord } from './types.ts';

/**
 * SMS one-time codes — a RESTRICTED authenticator (NIST SP 800-63B §5.1.3.3):
 * off by default, and a session that relies on it cannot do the highest-risk
 * actions (computeAal marks it `restricted`).
 *
 * Six digits from crypto.randomInt, valid five minutes, at most five
 * attempts, single use. Only an HMAC-SHA-256 of the code (keyed with a server
 * pepper and bound to the challenge id) is stored. Six digits are a million
 * values, so the hash cannot stand against offline guessing by whoever holds
 * the pepper; it keeps codes out of database dumps and logs, while the real
 * protection is the short expiry and the attempt limit.
 */

export const SMS_CODE_TTL_MS = 5 * 60_000;
export const SMS_MAX_ATTEMPTS = 5;
const HASH_LABEL = 'portcullis-sms-code/v1:';

/** Shown (and acknowledged) when a user enrols a phone number for SMS codes. */
export const SMS_SIM_SWAP_WARNING =
  'Text-message codes are the weakest way to protect your account. Anyone who takes over your phone ' +
  'number — for example by persuading your mobile carrier to move it to a new SIM card ("SIM swap") — ' +
  'can receive your codes. Text messages can also be intercepted. Use the Portcullis mobile app, a ' +
  'security key or an authenticator app instead where you can. While you sign in with a text-message ' +
  'code, withdrawals, new payees and security changes stay unavailable.';

export interface SmsChallenge {
  id: string;
  phone: string;
  /** HMAC-SHA-256(pepper, label ‖ id ‖ LF ‖ code), base64url. */
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  attempts: number;
  consumedAt: number | null;
}

export type SmsFailureCode =
  /** Not a six-digit code. */
  | 'SMS_CODE_MALFORMED'
  /** The code is wrong (an attempt is counted). */
  | 'SMS_CODE_INVALID'
  /** Five minutes have passed; send a new code. */
  | 'SMS_CODE_EXPIRED'
  /** This code was already used. */
  | 'SMS_CODE_USED'
  /** Five wrong attempts; send a new code. */
  | 'SMS_TOO_MANY_ATTEMPTS'
  /** No code was sent for this factor. */
  | 'SMS_NO_CHALLENGE'
  /** The phone number is not an international (E.164) number. */
  | 'SMS_PHONE_INVALID';

export type SmsCheck =
  | { ok: true; challenge: SmsChallenge }
  | { ok: false; code: SmsFailureCode; challenge: SmsChallenge };

/** E.164 (`+` and 8–15 digits) after removing spaces, dots, dashes and brackets; null otherwise. */
export function normalizePhoneNumber(input: string): string | null {
  if (typeof input !== 'string') return null;
  const compact = input.replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{7,14}$/.test(compact) ? compact : null;
}

/** `+14155550123` → `+14•••••0123`, for display. */
export function maskPhoneNumber(phone: string): string {
  return `${phone.slice(0, 3)}${'•'.repeat(Math.max(0, phone.length - 7))}${phone.slice(-4)}`;
}

export function generateSmsCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

function hashCode(pepper: Uint8Array, challengeId: string, code: string): Buffer {
  if (!(pepper instanceof Uint8Array) || pepper.length < 32)
    throw new TypeError('the SMS pepper must be at least 32 bytes');
  return createHmac('sha256', pepper).update(`${HASH_LABEL}${challengeId}\n${code}`).digest();
}

export function createSmsChallenge(input: {
  phone: string;
  now: number;
  pepper: Uint8Array;
  ttlMs?: number;
}): {
  challenge: SmsChallenge;
  code: string;
} {
  const id = `sms_${randomBytes(16).toString('base64url')}`;
  const code = generateSmsCode();
  const challenge: SmsChallenge = {
    id,
    phone: input.phone,
    codeHash: hashCode(input.pepper, id, code).toString('base64url'),
    createdAt: input.now,
    expiresAt: input.now + (input.ttlMs ?? SMS_CODE_TTL_MS),
    attempts: 0,
    consumedAt: null,
  };
  return { challenge, code };
}

/**
 * The text sent. With `domain`, a last line `@domain #code` lets browsers
 * autofill the code only on that site (WebOTP origin-bound format).
 */
export function smsMessage(code: string, options: { domain?: string } = {}): string {
  const text = `Your Portcullis code is ${code}. It expires in 5 minutes. Never share it: Portcullis will never ask you for it.`;
  return options.domain ? `${text}\n\n@${options.domain} #${code}` : text;
}

/** Creates a challenge and sends its code; returns only the challenge to store, never the code. */
export async function sendSmsCode(input: {
  phone: string;
  now: number;
  pepper: Uint8Array;
  sender: SmsSender;
  domain?: string;
}): Promise<SmsChallenge> {
  const { challenge, code } = createSmsChallenge(input);
  await input.sender.send({
    to: input.phone,
    message: smsMessage(code, input.domain ? { domain: input.domain } : {}),
  });
  return challenge;
}

export function verifySmsCode(input: {
  challenge: SmsChallenge;
  code: string;
  now: number;
  pepper: Uint8Array;
  maxAttempts?: number;
}): SmsCheck {
  const { challenge, now } = input;
  if (challenge.consumedAt !== null) return { ok: false, code: 'SMS_CODE_USED', challenge };
  if (now > challenge.expiresAt) return { ok: false, code: 'SMS_CODE_EXPIRED', challenge };
  if (challenge.attempts >= (input.maxAttempts ?? SMS_MAX_ATTEMPTS)) {
    return { ok: false, code: 'SMS_TOO_MANY_ATTEMPTS', challenge };
  }
  const code = typeof input.code === 'string' ? input.code.replace(/\s+/g, '') : '';
  if (!/^\d{6}$/.test(code)) return { ok: false, code: 'SMS_CODE_MALFORMED', challenge };
  const attempted = { ...challenge, attempts: challenge.attempts + 1 };
  const expected = Buffer.from(challenge.codeHash, 'base64url');
  const actual = hashCode(input.pepper, challenge.id, code);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { ok: false, code: 'SMS_CODE_INVALID', challenge: attempted };
  }
  return { ok: true, challenge: { ...attempted, consumedAt: now } };
}

// ── the Factor ────────────────────────────────────────────────────────────

export interface SmsData {
  phone: string;
  /** The code last sent (enrolment or sign-in). */
  challenge: SmsChallenge | null;
}

export interface SmsSpec {
  method: 'sms';
  data: SmsData;
  /** enroll() sends the first code through `sender`. */
  enrollInput: { phone: string; pepper: Uint8Array; sender: SmsSender; domain?: string };
  enrollment: { phone: string; warning: string; expiresAt: number };
  confirmInput: { code: string; pepper: Uint8Array };
  verifyInput: { code: string; pepper: Uint8Array };
  failure: SmsFailureCode;
}

const MESSAGES: Record<SmsFailureCode, string> = {
  SMS_CODE_MALFORMED: 'Enter the 6-digit code from the text message.',
  SMS_CODE_INVALID: 'The code is not correct.',
  SMS_CODE_EXPIRED: 'The code has expired; send a new one.',
  SMS_CODE_USED: 'This code has already been used; send a new one.',
  SMS_TOO_MANY_ATTEMPTS: 'Too many wrong codes; send a new one.',
  SMS_NO_CHALLENGE: 'No code has been sent; send one first.',
  SMS_PHONE_INVALID: 'Enter the phone number in international format, e.g. +44 20 7946 0958.',
};

type Record_ = FactorRecord<SmsSpec>;

/** Sends a sign-in code for an active SMS factor; store the returned record. */
export async function sendSmsSignInCode(
  record: Record_,
  input: { pepper: Uint8Array; sender: SmsSender; domain?: string },
  ctx: FactorContext,
): Promise<Record_> {
  if (record.status !== 'active') throw new TypeError('SMS codes are only sent for an active factor');
  const challenge = await sendSmsCode({ ...input, phone: record.data.phone, now: ctx.now });
  return { ...record, data: { ...record.data, challenge } };
}

async function checkCode(
  record: Record_,
  input: SmsSpec['verifyInput'],
  ctx: FactorContext,
  state: 'pending' | 'active',
) {
  const wrongState = stateFailure(record, state);
  if (wrongState) return failure<SmsSpec, Record_>(record, wrongState.code, wrongState.message);
  if (!record.data.challenge)
    return failure<SmsSpec, Record_>(record, 'SMS_NO_CHALLENGE', MESSAGES.SMS_NO_CHALLENGE);
  const result = verifySmsCode({
    challenge: record.data.challenge,
    code: input.code,
    pepper: input.pepper,
    now: ctx.now,
  });
  const data = { ...record.data, challenge: result.challenge };
  if (!result.ok) return failure<SmsSpec, Record_>({ ...record, data }, result.code, MESSAGES[result.code]);
  const next = state === 'pending' ? activated(record, data, ctx) : used(record, data, ctx);
  return { ok: true as const, record: next, used: usedFactor('sms', ctx) };
}

export const smsFactor = {
  method: 'sms',
  async enroll(input, ctx) {
    const phone = normalizePhoneNumber(input.phone);
    if (!phone) throw new FactorInputError('SMS_PHONE_INVALID', MESSAGES.SMS_PHONE_INVALID);
    const challenge = await sendSmsCode({ ...input, phone, now: ctx.now });
    const record = newFactorRecord('sms', input, { phone, challenge }, ctx);
    return {
      record,
      enrollment: {
        phone: maskPhoneNumber(phone),
        warning: SMS_SIM_SWAP_WARNING,
        expiresAt: challenge.expiresAt,
      },
    };
  },
  confirm: (record, input, ctx) => checkCode(record, input, ctx, 'pending'),
  verify: (record, input, ctx) => checkCode(record, input, ctx, 'active'),
  remove: (record, ctx) => removed(record, ctx),
} as const satisfies Factor<SmsSpec>;
