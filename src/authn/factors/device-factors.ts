import { type DevicePublicKeyInput, importDevicePublicKey } from '../../devices/device-keys.ts';
import {
  createDeviceChallenge,
  type DeviceChallenge,
  type DeviceProof,
  type DeviceProofFailureCode,
  verifyDeviceProof,
} from '../../devices/device-proof.ts';
import {
  type PushChallenge,
  type PushFailureCode,
  type SignedPushDecision,
  verifyPushDecision,
} from './push.ts';
import { activated, failure, newFactorRecord, removed, stateFailure, used, usedFactor } from './record.ts';
import type {
  EnrollBase,
  Factor,
  FactorContext,
  FactorOutcome,
  FactorRecord,
  StoredFactor,
} from './types.ts';

/**
 * Factors held by a registered device key: `push` (the mobile authenticator
 * approving sign-ins with number matching) and `device_key` (the desktop
 * installation's or the mobile app's own key proving the device).
 *
 * Both enrol the same way: enroll() takes the device's public key (SPKI PEM
 * or JWK — an unsupported key throws DeviceKeyError, code
 * DEVICE_KEY_UNSUPPORTED) and returns a challenge; confirm() takes the
 * device's proof over it, so possession of the private key is shown before
 * the factor becomes active. `keyRequiresUserVerification` records that the
 * app created the key so that it only signs after a biometric or PIN; with no
 * key attestation the server takes the app's word for it.
 */

export interface DeviceFactorData {
  deviceId: string;
  algorithm: 'Ed25519' | 'P-256';
  publicKeySpkiPem: string;
  keyRequiresUserVerification: boolean;
  /** The proof-of-possession challenge while pending. */
  pendingChallenge: DeviceChallenge | null;
}

interface DeviceEnrollInput {
  publicKey: DevicePublicKeyInput;
  keyRequiresUserVerification?: boolean;
}

interface DeviceSpecBase {
  data: DeviceFactorData;
  enrollInput: DeviceEnrollInput;
  enrollment: { deviceId: string; challenge: DeviceChallenge };
  confirmInput: { proof: DeviceProof; maxSkewMs?: number };
}

export interface PushSpec extends DeviceSpecBase {
  method: 'push';
  verifyInput: { challenge: PushChallenge; response: SignedPushDecision; requireUserVerification?: boolean };
  failure: DeviceProofFailureCode | PushFailureCode | 'DEVICE_CHALLENGE_MISSING';
}

export interface DeviceKeySpec extends DeviceSpecBase {
  method: 'device_key';
  verifyInput: { challenge: DeviceChallenge; proof: DeviceProof; maxSkewMs?: number };
  failure: DeviceProofFailureCode | 'DEVICE_CHALLENGE_MISSING';
}

type DeviceSpec = PushSpec | DeviceKeySpec;

function enrollDevice<M extends 'push' | 'device_key'>(
  method: M,
  input: EnrollBase & DeviceEnrollInput,
  ctx: FactorContext,
): { record: StoredFactor<M, DeviceFactorData>; enrollment: DeviceSpecBase['enrollment'] } {
  const key = importDevicePublicKey(input.publicKey);
  const challenge = createDeviceChallenge({ now: ctx.now });
  const data: DeviceFactorData = {
    deviceId: key.deviceId,
    algorithm: key.algorithm,
    publicKeySpkiPem: key.spkiPem,
    keyRequiresUserVerification: input.keyRequiresUserVerification ?? false,
    pendingChallenge: challenge,
  };
  return {
    record: newFactorRecord(method, input, data, ctx),
    enrollment: { deviceId: key.deviceId, challenge },
  };
}

function confirmDevice<S extends DeviceSpec>(
  record: FactorRecord<S>,
  input: DeviceSpecBase['confirmInput'],
  ctx: FactorContext,
): FactorOutcome<S> {
  const wrongState = stateFailure(record, 'pending');
  if (wrongState) return failure<S, FactorRecord<S>>(record, wrongState.code, wrongState.message);
  const challenge = record.data.pendingChallenge;
  if (!challenge)
    return failure<S, FactorRecord<S>>(record, 'DEVICE_CHALLENGE_MISSING', 'Start the enrolment again.');
  const result = verifyDeviceProof({ ...proofArgs(record.data, input, ctx), challenge });
  if (!result.ok)
    return failure<S, FactorRecord<S>>(record, result.code, result.message, skewDetails(result));
  const data = { ...record.data, pendingChallenge: null };
  return {
    ok: true,
    record: activated(record, data, ctx),
    used: usedFactor(record.method, ctx, { userVerified: record.data.keyRequiresUserVerification }),
  };
}

function proofArgs(
  data: DeviceFactorData,
  input: { proof: DeviceProof; maxSkewMs?: number },
  ctx: FactorContext,
) {
  return {
    proof: input.proof,
    publicKey: data.publicKeySpkiPem,
    expectedDeviceId: data.deviceId,
    now: ctx.now,
    ...(input.maxSkewMs === undefined ? {} : { maxSkewMs: input.maxSkewMs }),
  };
}

function skewDetails(result: { code: string; skewMs?: number }): Record<string, unknown> | undefined {
  return result.code === 'CLOCK_SKEW' ? { skewMs: result.skewMs } : undefined;
}

export const pushFactor = {
  method: 'push',
  enroll: async (input, ctx) => enrollDevice('push', input, ctx),
  confirm: async (record, input, ctx) => confirmDevice<PushSpec>(record, input, ctx),
  async verify(record, input, ctx) {
    const wrongState = stateFailure(record, 'active');
    if (wrongState) return failure<PushSpec, typeof record>(record, wrongState.code, wrongState.message);
    const result = verifyPushDecision({
      challenge: input.challenge,
      response: input.response,
      publicKey: record.data.publicKeySpkiPem,
      now: ctx.now,
      ...(input.requireUserVerification === undefined
        ? {}
        : { requireUserVerification: input.requireUserVerification }),
    });
    if (!result.ok) return failure<PushSpec, typeof record>(record, result.code, result.message);
    return {
      ok: true,
      record: used(record, record.data, ctx),
      used: usedFactor('push', ctx, { userVerified: result.userVerified }),
    };
  },
  remove: (record, ctx) => removed(record, ctx),
} as const satisfies Factor<PushSpec>;

export const deviceKeyFactor = {
  method: 'device_key',
  enroll: async (input, ctx) => enrollDevice('device_key', input, ctx),
  confirm: async (record, input, ctx) => confirmDevice<DeviceKeySpec>(record, input, ctx),
  async verify(record, input, ctx) {
    const wrongState = stateFailure(record, 'active');
    if (wrongState) return failure<DeviceKeySpec, typeof record>(record, wrongState.code, wrongState.message);
    const result = verifyDeviceProof({ ...proofArgs(record.data, input, ctx), challenge: input.challenge });
    if (!result.ok)
      return failure<DeviceKeySpec, typeof record>(record, result.code, result.message, skewDetails(result));
    return {
      ok: true,
      record: used(record, record.data, ctx),
      used: usedFactor('device_key', ctx, { userVerified: record.data.keyRequiresUserVerification }),
    };
  },
  remove: (record, ctx) => removed(record, ctx),
} as const satisfies Factor<DeviceKeySpec>;
