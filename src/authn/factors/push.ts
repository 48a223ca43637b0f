import { randomBytes, randomInt } from 'node:crypto';
import {
  type DevicePublicKey,
  type DevicePublicKeyInput,
  decodeSignature,
  toDevicePublicKey,
  verifyDeviceSignature,
} from '../../devices/device-keys.ts';

/**
 * Push approval with number matching. The requesting screen shows
 * `number`; the mobile app offers `choices` (three distinct two-digit
 * numbers, one of them right, in random order); the user picks one and
 * the app signs its decision with the device-bound key after user
 * verification.
 *
 * Canonical decision message (what the device signs): the UTF-8 bytes of
 * five LF-separated lines, no trailing LF, no spaces:
 *
 *     portcullis-push-decision/v1
 *     challengeId=<challengeId as issued, base64url>
 *     decision=<approve|deny>
 *     number=<the number the user picked, two decimal digits>
 *     userVerified=<true|false>
 *
 * The first line separates this message from every other thing the key
 * signs (a device proof has three lines and starts with a random challenge).
 */

export const PUSH_CHALLENGE_TTL_MS = 60_000;
export const PUSH_DECISION_DOMAIN = 'portcullis-push-decision/v1';

export interface PushChallenge {
  /** 128 random bits, base64url. */
  challengeId: string;
  /** Shown on the requesting screen, 10–99. */
  number: number;
  /** Shown on the device: three distinct numbers including `number`, random order. */
  choices: [number, number, number];
  expiresAt: number;
}

export type PushDecisionKind = 'approve' | 'deny';

export interface PushDecision {
  challengeId: string;
  decision: PushDecisionKind;
  number: number;
  userVerified: boolean;
}

/** The body the device posts: the decision and its base64url signature. */
export interface SignedPushDecision extends PushDecision {
  signature: string;
}

export type PushFailureCode =
  /** The body is missing a field or a field is of the wrong form. */
  | 'PUSH_MALFORMED'
  /** The decision is for another challenge than the pending one. */
  | 'PUSH_CHALLENGE_MISMATCH'
  /** The challenge's 60 s are over. */
  | 'PUSH_EXPIRED'
  /** The signature does not verify with the device's registered key. */
  | 'PUSH_BAD_SIGNATURE'
  /** The user said it was not them (counts toward the fatigue block). */
  | 'PUSH_DENIED'
  /** The user approved but picked another number (counts toward the fatigue block). */
  | 'PUSH_WRONG_NUMBER'
  /** The decision was signed without user verification where it is required. */
  | 'PUSH_USER_VERIFICATION_REQUIRED';

export type PushVerification =
  | { ok: true; decision: 'approve'; userVerified: boolean }
  | { ok: false; code: PushFailureCode; message: string };

export function createPushChallenge(input: { now: number; ttlMs?: number }): PushChallenge {
  const number = randomInt(10, 100);
  const choices = new Set([number]);
  while (choices.size < 3) choices.add(randomInt(10, 100));
  return {
    challengeId: randomBytes(16).toString('base64url'),
    number,
    choices: shuffle([...choices]) as [number, number, number],
    expiresAt: input.now + (input.ttlMs ?? PUSH_CHALLENGE_TTL_MS),
  };
}

/** Fisher–Yates with crypto randomness. */
function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const CHALLENGE_ID = /^[A-Za-z0-9_-]{1,128}$/;

function isPushDecision(d: unknown): d is PushDecision {
  if (typeof d !== 'object' || d === null) return false;
  const v = d as Record<string, unknown>;
  return (
    typeof v['challengeId'] === 'string' &&
    CHALLENGE_ID.test(v['challengeId']) &&
    (v['decision'] === 'approve' || v['decision'] === 'deny') &&
    Number.isInteger(v['number']) &&
    (v['number'] as number) >= 10 &&
    (v['number'] as number) <= 99 &&
    typeof v['userVerified'] === 'boolean'
  );
}

/** The canonical text of a decision; throws TypeError for a value outside the encoding. */
export function pushDecisionMessage(decision: PushDecision): string {
  if (!isPushDecision(decision)) throw new TypeError('not a well-formed push decision');
  return [
    PUSH_DECISION_DOMAIN,
    `challengeId=${decision.challengeId}`,
    `decision=${decision.decision}`,
    `number=${decision.number}`,
    `userVerified=${decision.userVerified}`,
  ].join('\n');
}

export function pushDecisionBytes(decision: PushDecision): Uint8Array {
  return new TextEncoder().encode(pushDecisionMessage(decision));
}

const MESSAGES: Record<PushFailureCode, string> = {
  PUSH_MALFORMED: 'The approval response is malformed.',
  PUSH_CHALLENGE_MISMATCH: 'This response is for another sign-in request.',
  PUSH_EXPIRED: 'The approval request expired; send a new one.',
  PUSH_BAD_SIGNATURE: 'The approval was not signed by your registered device.',
  PUSH_DENIED: 'The sign-in was denied on your phone.',
  PUSH_WRONG_NUMBER: 'The number chosen on your phone did not match the one on screen.',
  PUSH_USER_VERIFICATION_REQUIRED: 'Unlock your phone with your biometric or PIN to approve.',
};

function pushFailure(code: PushFailureCode): PushVerification {
  return { ok: false, code, message: MESSAGES[code] };
}

/**
 * Checks a signed decision against the pending challenge, in this order:
 * form → challenge id → expiry → signature → deny → number → user
 * verification. Only an authentic (signed) deny or wrong number is reported
 * as such, so only those should count toward the MFA-fatigue block.
 */
export function verifyPushDecision(input: {
  challenge: PushChallenge;
  response: SignedPushDecision;
  publicKey: DevicePublicKey | DevicePublicKeyInput;
  now: number;
  requireUserVerification?: boolean;
}): PushVerification {
  const { challenge, response } = input;
  if (!isPushDecision(response)) return pushFailure('PUSH_MALFORMED');
  const signature = decodeSignature(response.signature);
  if (!signature) return pushFailure('PUSH_MALFORMED');
  if (response.challengeId !== challenge.challengeId) return pushFailure('PUSH_CHALLENGE_MISMATCH');
  if (input.now > challenge.expiresAt) return pushFailure('PUSH_EXPIRED');
  if (!verifyDeviceSignature(toDevicePublicKey(input.publicKey), pushDecisionBytes(response), signature)) {
    return pushFailure('PUSH_BAD_SIGNATURE');
  }
  if (response.decision === 'deny') return pushFailure('PUSH_DENIED');
  if (response.number !== challenge.number) return pushFailure('PUSH_WRONG_NUMBER');
  if ((input.requireUserVerification ?? true) && !response.userVerified) {
    return pushFailure('PUSH_USER_VERIFICATION_REQUIRED');
  }
  return { ok: true, decision: 'approve', userVerified: response.userVerified };
}
