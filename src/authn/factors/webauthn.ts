import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL } from '@simplewebauthn/server/helpers';

/**
 * WebAuthn (security keys and passkeys) over @simplewebauthn/server. Before
 * handing a response to the library we check the parts that deserve their
 * own stable code (type, challenge, origin, RP id hash, UP/UV flags); the
 * library then verifies everything again, including the attestation and the
 * signature. The sign counter is compared here, not by the library, so that
 * a regression (a possibly cloned authenticator) comes back as a flagged
 * result instead of an anonymous exception.
 *
 * `hardwareBound` is the authenticator's backup-eligibility flag inverted: a
 * key that can never be synced off the device. With `none` attestation this
 * is the authenticator's own claim; enforcing AAL3 against a list of
 * certified models would need direct attestation and the FIDO MDS.
 */

/**
 * EdDSA, ES256, RS256. Named explicitly so the library does not add ML-DSA,
 * which rests on an experimental Node API; registration and verification
 * must use the same list.
 */
export const WEBAUTHN_ALGORITHMS: readonly number[] = [-8, -7, -257];

export type UserVerification = 'required' | 'preferred' | 'discouraged';

export interface KnownCredential {
  credentialId: string;
  transports?: string[];
}

/** What to store for a registered credential. */
export interface WebAuthnCredential {
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  /** The key may be synced (a "multi-device" passkey). */
  backupEligible: boolean;
  backedUp: boolean;
  hardwareBound: boolean;
  /** The UV flag at registration. */
  userVerified: boolean;
  attestationFormat: string;
}

export type WebAuthnFailureCode =
  /** The response is not a well-formed WebAuthn response of the expected ceremony. */
  | 'WEBAUTHN_MALFORMED'
  /** clientDataJSON carries another challenge than the one issued. */
  | 'WEBAUTHN_CHALLENGE_MISMATCH'
  /** clientDataJSON carries another origin than ours (phishing or misconfiguration). */
  | 'WEBAUTHN_ORIGIN_MISMATCH'
  /** authenticatorData is scoped to another RP id. */
  | 'WEBAUTHN_RP_ID_MISMATCH'
  /** The UP flag is not set. */
  | 'WEBAUTHN_USER_NOT_PRESENT'
  /** User verification was required and the UV flag is not set. */
  | 'WEBAUTHN_USER_VERIFICATION_REQUIRED'
  /** The response is for a credential other than the one being checked. */
  | 'WEBAUTHN_UNKNOWN_CREDENTIAL'
  /** The assertion signature does not verify with the stored public key. */
  | 'WEBAUTHN_BAD_SIGNATURE'
  /** Signature valid but the counter did not increase: possible clone; flagged. */
  | 'WEBAUTHN_SIGN_COUNT_REGRESSION'
  /** The library refused the response for another reason (see `detail`). */
  | 'WEBAUTHN_INVALID';

export interface WebAuthnFailure {
  ok: false;
  code: Exclude<WebAuthnFailureCode, 'WEBAUTHN_SIGN_COUNT_REGRESSION'>;
  message: string;
  /** For logs only; never shown to the caller. */
  detail?: string;
}

export interface SignCountRegression {
  ok: false;
  code: 'WEBAUTHN_SIGN_COUNT_REGRESSION';
  flagged: true;
  message: string;
  credentialId: string;
  storedCounter: number;
  newCounter: number;
}

export type WebAuthnRegistrationResult = { ok: true; credential: WebAuthnCredential } | WebAuthnFailure;

export type WebAuthnAuthenticationResult =
  | {
      ok: true;
      credentialId: string;
      newCounter: number;
      userVerified: boolean;
      backedUp: boolean;
      hardwareBound: boolean;
    }
  | WebAuthnFailure
  | SignCountRegression;

const MESSAGES: Record<WebAuthnFailureCode, string> = {
  WEBAUTHN_MALFORMED: 'The security key response is malformed.',
  WEBAUTHN_CHALLENGE_MISMATCH: 'The security key answered another request; try again.',
  WEBAUTHN_ORIGIN_MISMATCH: 'The security key was used on another site.',
  WEBAUTHN_RP_ID_MISMATCH: 'The security key credential belongs to another site.',
  WEBAUTHN_USER_NOT_PRESENT: 'Touch your security key to continue.',
  WEBAUTHN_USER_VERIFICATION_REQUIRED: 'Your security key must verify you (PIN or biometric).',
  WEBAUTHN_UNKNOWN_CREDENTIAL: 'This security key is not registered for this account.',
  WEBAUTHN_BAD_SIGNATURE: 'The security key signature is not valid.',
  WEBAUTHN_SIGN_COUNT_REGRESSION: 'This security key may have been cloned; it was not accepted.',
  WEBAUTHN_INVALID: 'The security key response was not accepted.',
};

function fail(code: WebAuthnFailure['code'], detail?: string): WebAuthnFailure {
  return { ok: false, code, message: MESSAGES[code], ...(detail ? { detail } : {}) };
}

// ── options ────────────────────────────────────────────────────────────────

export async function webAuthnRegistrationOptions(input: {
  rp: { id: string; name: string };
  /** `id` is the user's opaque identifier (≤ 64 bytes UTF-8), never an email. */
  user: { id: string; name: string; displayName?: string };
  existingCredentials?: readonly KnownCredential[];
  userVerification?: UserVerification;
  residentKey?: 'required' | 'preferred' | 'discouraged';
  attachment?: 'platform' | 'cross-platform';
  timeoutMs?: number;
}): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; challenge: string }> {
  const userID = new TextEncoder().encode(input.user.id);
  if (userID.length === 0 || userID.length > 64) throw new TypeError('user.id must be 1–64 bytes');
  const options = await generateRegistrationOptions({
    rpName: input.rp.name,
    rpID: input.rp.id,
    userID,
    userName: input.user.name,
    userDisplayName: input.user.displayName ?? input.user.name,
    attestationType: 'none',
    supportedAlgorithmIDs: [...WEBAUTHN_ALGORITHMS],
    timeout: input.timeoutMs ?? 120_000,
    excludeCredentials: (input.existingCredentials ?? []).map(descriptor),
    authenticatorSelection: {
      residentKey: input.residentKey ?? 'preferred',
      userVerification: input.userVerification ?? 'required',
      ...(input.attachment ? { authenticatorAttachment: input.attachment } : {}),
    },
  });
  return { options, challenge: options.challenge };
}

export async function webAuthnAuthenticationOptions(input: {
  rpId: string;
  /** Empty or absent: a discoverable-credential (passkey) request. */
  credentials?: readonly KnownCredential[];
  userVerification?: UserVerification;
  timeoutMs?: number;
}): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; challenge: string }> {
  const options = await generateAuthenticationOptions({
    rpID: input.rpId,
    allowCredentials: (input.credentials ?? []).map(descriptor),
    userVerification: input.userVerification ?? 'required',
    timeout: input.timeoutMs ?? 120_000,
  });
  return { options, challenge: options.challenge };
}

function descriptor(c: KnownCredential): { id: string; transports?: string[] } {
  return { id: c.credentialId, ...(c.transports?.length ? { transports: c.transports } : {}) };
}

// ── pre-checks with stable codes ───────────────────────────────────────────

interface Expectations {
  type: 'webauthn.create' | 'webauthn.get';
  challenge: string;
  origin: string | readonly string[];
  rpId: string;
  requireUserVerification: boolean;
}

function precheck(
  clientDataJSON: unknown,
  authData: Uint8Array | undefined,
  e: Expectations,
): WebAuthnFailure | null {
  const client = parseClientData(clientDataJSON);
  if (!client || client.type !== e.type || !authData || authData.length < 37)
    return fail('WEBAUTHN_MALFORMED');
  if (!safeEqual(client.challenge, e.challenge)) return fail('WEBAUTHN_CHALLENGE_MISMATCH');
  const origins = typeof e.origin === 'string' ? [e.origin] : e.origin;
  if (!origins.includes(client.origin)) return fail('WEBAUTHN_ORIGIN_MISMATCH', `origin ${client.origin}`);
  const rpIdHash = createHash('sha256').update(e.rpId).digest();
  if (!timingSafeEqual(rpIdHash, authData.subarray(0, 32))) return fail('WEBAUTHN_RP_ID_MISMATCH');
  const flags = authData[32] ?? 0;
  if ((flags & 0x01) === 0) return fail('WEBAUTHN_USER_NOT_PRESENT');
  if (e.requireUserVerification && (flags & 0x04) === 0) return fail('WEBAUTHN_USER_VERIFICATION_REQUIRED');
  return null;
}

function parseClientData(b64: unknown): { type: string; challenge: string; origin: string } | null {
  if (typeof b64 !== 'string' || !isoBase64URL.isBase64URL(b64)) return null;
  try {
    const v = JSON.parse(isoBase64URL.toUTF8String(b64)) as Record<string, unknown>;
    const { type, challenge, origin } = v;
    if (typeof type !== 'string' || typeof challenge !== 'string' || typeof origin !== 'string') return null;
    return { type, challenge, origin };
  } catch {
    return null;
  }
}

function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function registrationAuthData(response: RegistrationResponseJSON): Uint8Array | undefined {
  try {
    const attestation = decodeAttestationObject(isoBase64URL.toBuffer(response.response.attestationObject));
    return attestation.get('authData');
  } catch {
    return undefined;
  }
}

function assertionAuthData(response: AuthenticationResponseJSON): Uint8Array | undefined {
  const b64 = response?.response?.authenticatorData;
  return typeof b64 === 'string' && isoBase64URL.isBase64URL(b64) ? isoBase64URL.toBuffer(b64) : undefined;
}

// ── verification ───────────────────────────────────────────────────────────

export interface CeremonyExpectations {
  expectedChallenge: string;
  expectedOrigin: string | string[];
  expectedRpId: string;
  /** Defaults to true. */
  requireUserVerification?: boolean;
}

export async function verifyWebAuthnRegistration(
  input: CeremonyExpectations & { response: RegistrationResponseJSON },
): Promise<WebAuthnRegistrationResult> {
  const requireUserVerification = input.requireUserVerification ?? true;
  const authData = typeof input.response === 'object' ? registrationAuthData(input.response) : undefined;
  const early = precheck(input.response?.response?.clientDataJSON, authData, {
    type: 'webauthn.create',
    challenge: input.expectedChallenge,
    origin: input.expectedOrigin,
    rpId: input.expectedRpId,
    requireUserVerification,
  });
  if (early) return early;
  try {
    const result = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: input.expectedOrigin,
      expectedRPID: input.expectedRpId,
      requireUserVerification,
      supportedAlgorithmIDs: [...WEBAUTHN_ALGORITHMS],
    });
    if (!result.verified) return fail('WEBAUTHN_INVALID', 'registration not verified');
    const info = result.registrationInfo;
    const backupEligible = info.credentialDeviceType === 'multiDevice';
    return {
      ok: true,
      credential: {
        credentialId: info.credential.id,
        publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: input.response.response.transports ?? [],
        aaguid: info.aaguid,
        backupEligible,
        backedUp: info.credentialBackedUp,
        hardwareBound: !backupEligible,
        userVerified: info.userVerified,
        attestationFormat: info.fmt,
      },
    };
  } catch (error) {
    return fail('WEBAUTHN_INVALID', error instanceof Error ? error.message : String(error));
  }
}

export async function verifyWebAuthnAuthentication(
  input: CeremonyExpectations & {
    response: AuthenticationResponseJSON;
    credential: Pick<WebAuthnCredential, 'credentialId' | 'publicKey' | 'counter' | 'transports'>;
  },
): Promise<WebAuthnAuthenticationResult> {
  const { response, credential } = input;
  const requireUserVerification = input.requireUserVerification ?? true;
  if (typeof response !== 'object' || response === null) return fail('WEBAUTHN_MALFORMED');
  if (response.id !== credential.credentialId) return fail('WEBAUTHN_UNKNOWN_CREDENTIAL');
  const early = precheck(response.response?.clientDataJSON, assertionAuthData(response), {
    type: 'webauthn.get',
    challenge: input.expectedChallenge,
    origin: input.expectedOrigin,
    rpId: input.expectedRpId,
    requireUserVerification,
  });
  if (early) return early;
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: input.expectedChallenge,
      expectedOrigin: input.expectedOrigin,
      expectedRPID: input.expectedRpId,
      requireUserVerification,
      // Counter 0 turns the library's own counter check off; ours below reports regressions as flagged.
      credential: {
        id: credential.credentialId,
        publicKey: isoBase64URL.toBuffer(credential.publicKey),
        counter: 0,
        transports: credential.transports,
      },
    });
  } catch (error) {
    return fail('WEBAUTHN_INVALID', error instanceof Error ? error.message : String(error));
  }
  if (!result.verified) return fail('WEBAUTHN_BAD_SIGNATURE');
  const info = result.authenticationInfo;
  return (
    counterRegression(credential, info.newCounter) ?? {
      ok: true,
      credentialId: credential.credentialId,
      newCounter: info.newCounter,
      userVerified: info.userVerified,
      backedUp: info.credentialBackedUp,
      hardwareBound: info.credentialDeviceType === 'singleDevice',
    }
  );
}

/** WebAuthn §6.1.1: when either counter is non-zero, the new one must be greater than the stored one. */
function counterRegression(
  credential: { credentialId: string; counter: number },
  newCounter: number,
): SignCountRegression | null {
  if ((credential.counter > 0 || newCounter > 0) && newCounter <= credential.counter) {
    return {
      ok: false,
      code: 'WEBAUTHN_SIGN_COUNT_REGRESSION',
      flagged: true,
      message: MESSAGES.WEBAUTHN_SIGN_COUNT_REGRESSION,
      credentialId: credential.credentialId,
      storedCounter: credential.counter,
      newCounter,
    };
  }
  return null;
}
