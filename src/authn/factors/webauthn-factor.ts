import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { activated, failure, newFactorRecord, removed, stateFailure, used, usedFactor } from './record.ts';
import type { Factor, FactorRecord } from './types.ts';
import {
  type CeremonyExpectations,
  type KnownCredential,
  type UserVerification,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type WebAuthnCredential,
  type WebAuthnFailureCode,
  webAuthnRegistrationOptions,
} from './webauthn.ts';

/**
 * The WebAuthn factor: one record per credential. enroll() issues creation
 * options and keeps their challenge; confirm() verifies the registration;
 * verify() checks an assertion against a challenge the caller issued with
 * webAuthnAuthenticationOptions() and advances the stored counter. A
 * sign-count regression leaves the record active but stamps `cloneSuspectedAt`:
 * the caller should refuse the sign-in, alert the owner and offer removal.
 */

export interface WebAuthnData {
  credential: WebAuthnCredential | null;
  /** The registration challenge while pending. */
  pendingChallenge: string | null;
  cloneSuspectedAt: number | null;
}

type Expectations = Omit<CeremonyExpectations, 'expectedChallenge'>;

export interface WebAuthnSpec {
  method: 'webauthn';
  data: WebAuthnData;
  enrollInput: {
    rp: { id: string; name: string };
    user: { id: string; name: string; displayName?: string };
    existingCredentials?: readonly KnownCredential[];
    userVerification?: UserVerification;
    residentKey?: 'required' | 'preferred' | 'discouraged';
    attachment?: 'platform' | 'cross-platform';
  };
  enrollment: { options: PublicKeyCredentialCreationOptionsJSON };
  confirmInput: Expectations & { response: RegistrationResponseJSON };
  verifyInput: Expectations & { response: AuthenticationResponseJSON; expectedChallenge: string };
  failure: WebAuthnFailureCode | 'WEBAUTHN_NOT_REGISTERED';
}

type Record_ = FactorRecord<WebAuthnSpec>;

export const webAuthnFactor = {
  method: 'webauthn',
  async enroll(input, ctx) {
    const { options, challenge } = await webAuthnRegistrationOptions(input);
    const data: WebAuthnData = { credential: null, pendingChallenge: challenge, cloneSuspectedAt: null };
    return { record: newFactorRecord('webauthn', input, data, ctx), enrollment: { options } };
  },

  async confirm(record, input, ctx) {
    const wrongState = stateFailure(record, 'pending');
    if (wrongState) return failure<WebAuthnSpec, Record_>(record, wrongState.code, wrongState.message);
    const challenge = record.data.pendingChallenge;
    if (!challenge) return notRegistered(record);
    const result = await verifyWebAuthnRegistration({ ...input, expectedChallenge: challenge });
    if (!result.ok) return failure<WebAuthnSpec, Record_>(record, result.code, result.message);
    const data: WebAuthnData = {
      credential: result.credential,
      pendingChallenge: null,
      cloneSuspectedAt: null,
    };
    const { hardwareBound, userVerified } = result.credential;
    return {
      ok: true,
      record: activated(record, data, ctx),
      used: usedFactor('webauthn', ctx, { hardwareBound, userVerified }),
    };
  },

  async verify(record, input, ctx) {
    const wrongState = stateFailure(record, 'active');
    if (wrongState) return failure<WebAuthnSpec, Record_>(record, wrongState.code, wrongState.message);
    const credential = record.data.credential;
    if (!credential) return notRegistered(record);
    const result = await verifyWebAuthnAuthentication({ ...input, credential });
    if (result.ok) {
      const data = {
        ...record.data,
        credential: { ...credential, counter: result.newCounter, backedUp: result.backedUp },
      };
      const { hardwareBound, userVerified } = result;
      return {
        ok: true,
        record: used(record, data, ctx),
        used: usedFactor('webauthn', ctx, { hardwareBound, userVerified }),
      };
    }
    if (result.code !== 'WEBAUTHN_SIGN_COUNT_REGRESSION') {
      return failure<WebAuthnSpec, Record_>(record, result.code, result.message);
    }
    const flagged = { ...record, data: { ...record.data, cloneSuspectedAt: ctx.now } };
    const { storedCounter, newCounter } = result;
    return failure<WebAuthnSpec, Record_>(flagged, result.code, result.message, {
      storedCounter,
      newCounter,
    });
  },

  remove: (record, ctx) => removed(record, ctx),
} as const satisfies Factor<WebAuthnSpec>;

function notRegistered(record: Record_) {
  return failure<WebAuthnSpec, Record_>(
    record,
    'WEBAUTHN_NOT_REGISTERED',
    'This security key has no registered credential.',
  );
}
