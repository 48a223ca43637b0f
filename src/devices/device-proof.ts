import { randomBytes } from 'node:crypto';
import {
  type DevicePublicKey,
  type DevicePublicKeyInput,
  decodeSignature,
  signWithDeviceKey,
  toDevicePublicKey,
  verifyDeviceSignature,
} from './device-keys.ts';

/**
 * Device-key proof for the desktop terminal and the mobile app.
 *
 * The server issues a random challenge; the client signs the UTF-8 bytes of
 *
 *     <challenge> LF <timestamp> LF <deviceId>
 *
 * (challenge as issued, base64url; timestamp as the client's clock in Unix
 * milliseconds, decimal, no sign or leading zeros; deviceId as registered;
 * no trailing newline) with its Ed25519 or P-256 private key. The server
 * checks the signature first and only then the clock: an authentic proof
 * whose clock differs from the server's by more than the bound (90 s by
 * default, inclusive) fails with CLOCK_SKEW and a message that says by how
 * much and in which direction, so a drifting clock is never reported as
 * "invalid credentials".
 */

export const DEFAULT_MAX_CLOCK_SKEW_MS = 90_000;
export const DEVICE_CHALLENGE_TTL_MS = 120_000;

export interface DeviceChallenge {
  /** 256 random bits, base64url. Single use: the caller deletes it once a proof is checked. */
  challenge: string;
  issuedAt: number;
  expiresAt: number;
}

export interface DeviceProof {
  deviceId: string;
  /** The client's clock, Unix milliseconds. */
  timestamp: number;
  /** base64url signature over deviceProofBytes(). */
  signature: string;
}

export type DeviceProofFailureCode =
  /** A field is missing or not of the documented form. */
  | 'DEVICE_PROOF_MALFORMED'
  /** The proof names another device than the one whose key is checked. */
  | 'DEVICE_MISMATCH'
  /** The challenge's lifetime is over; request a new one. */
  | 'DEVICE_CHALLENGE_EXPIRED'
  /** The signature does not verify with the device's registered key. */
  | 'DEVICE_BAD_SIGNATURE'
  /** The signature is good but the device's clock is off by more than the bound. */
  | 'CLOCK_SKEW';

export type DeviceProofResult =
  | { ok: true; deviceId: string; skewMs: number }
  | { ok: false; code: 'CLOCK_SKEW'; skewMs: number; message: string }
  | { ok: false; code: Exclude<DeviceProofFailureCode, 'CLOCK_SKEW'>; message: string };

export function createDeviceChallenge(input: { now: number; ttlMs?: number }): DeviceChallenge {
  return {
    challenge: randomBytes(32).toString('base64url'),
    issuedAt: input.now,
    expiresAt: input.now + (input.ttlMs ?? DEVICE_CHALLENGE_TTL_MS),
  };
}

const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** The canonical message text; throws TypeError when a field could break the encoding. */
export function deviceProofMessage(input: {
  challenge: string;
  timestamp: number;
  deviceId: string;
}): string {
  if (!TOKEN.test(input.challenge)) throw new TypeError('challenge must be base64url text');
  if (!TOKEN.test(input.deviceId)) throw new TypeError('deviceId must be base64url text');
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError('timestamp must be a non-negative integer of milliseconds');
  }
  return `${input.challenge}\n${input.timestamp}\n${input.deviceId}`;
}

export function deviceProofBytes(input: {
  challenge: string;
  timestamp: number;
  deviceId: string;
}): Uint8Array {
  return new TextEncoder().encode(deviceProofMessage(input));
}

function isWellFormed(proof: DeviceProof): boolean {
  return (
    typeof proof === 'object' &&
    proof !== null &&
    typeof proof.deviceId === 'string' &&
    TOKEN.test(proof.deviceId) &&
    Number.isSafeInteger(proof.timestamp) &&
    proof.timestamp >= 0 &&
    typeof proof.signature === 'string'
  );
}

export function verifyDeviceProof(input: {
  challenge: DeviceChallenge;
  proof: DeviceProof;
  publicKey: DevicePublicKey | DevicePublicKeyInput;
  /** The registered device id; defaults to the id derived from the public key. */
  expectedDeviceId?: string;
  now: number;
  maxSkewMs?: number;
  /** Wording of the skew message: "Your computer's clock…" or "Your phone's clock…". */
  deviceNoun?: string;
}): DeviceProofResult {
  const { proof, now } = input;
  const signature = isWellFormed(proof) ? decodeSignature(proof.signature) : null;
  if (!signature) return fail('DEVICE_PROOF_MALFORMED', 'The device proof is incomplete or malformed.');
  const key = toDevicePublicKey(input.publicKey);
  if (proof.deviceId !== (input.expectedDeviceId ?? key.deviceId)) {
    return fail('DEVICE_MISMATCH', 'This proof is for another device.');
  }
  if (now > input.challenge.expiresAt) {
    return fail('DEVICE_CHALLENGE_EXPIRED', 'The sign-in challenge has expired; start again.');
  }
  const message = deviceProofBytes({ ...proof, challenge: input.challenge.challenge });
  if (!verifyDeviceSignature(key, message, signature)) {
    return fail('DEVICE_BAD_SIGNATURE', 'The device signature is not valid.');
  }
  const skewMs = proof.timestamp - now;
  if (Math.abs(skewMs) > (input.maxSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS)) {
    return { ok: false, code: 'CLOCK_SKEW', skewMs, message: describeClockSkew(skewMs, input.deviceNoun) };
  }
  return { ok: true, deviceId: proof.deviceId, skewMs };
}

function fail(code: Exclude<DeviceProofFailureCode, 'CLOCK_SKEW'>, message: string): DeviceProofResult {
  return { ok: false, code, message };
}

/** "Your computer's clock is 3 min 12 s behind; correct it and sign in again." */
export function describeClockSkew(skewMs: number, deviceNoun = 'computer'): string {
  const direction = skewMs < 0 ? 'behind' : 'ahead';
  return `Your ${deviceNoun}'s clock is ${formatDuration(Math.abs(skewMs))} ${direction}; correct it and sign in again.`;
}

/** 192_000 → "3 min 12 s"; 90_061_000 → "1 d 1 h 1 min 1 s"; rounds to whole seconds. */
export function formatDuration(ms: number): string {
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
  ] as const) {
    const n = Math.floor(seconds / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    seconds -= n * size;
  }
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds} s`);
  return parts.join(' ');
}

/** Client side: the proof body for `POST …/device-proof`, signed with a PKCS#8 PEM private key. */
export function signDeviceProof(input: {
  privateKeyPem: string;
  challenge: string;
  deviceId: string;
  timestamp: number;
}): DeviceProof {
  const signature = signWithDeviceKey(input.privateKeyPem, deviceProofBytes(input));
  return {
    deviceId: input.deviceId,
    timestamp: input.timestamp,
    signature: Buffer.from(signature).toString('base64url'),
  };
}
