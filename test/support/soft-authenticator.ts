import { createHash, randomBytes } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { type CborValue, encodeCbor } from './cbor.ts';
import { p1363ToDer } from './soft-device.ts';

/**
 * A software WebAuthn authenticator plus the browser glue around it. It
 * produces real ceremonies: `none` attestation in a CBOR attestation object;
 * authenticatorData = SHA-256(rpId) ‖ flags ‖ signCount (big-endian u32)
 * [‖ AAGUID ‖ credIdLen ‖ credId ‖ COSE_Key]; ES256 (ECDSA P-256 / SHA-256)
 * assertion signatures in ASN.1 DER over authenticatorData ‖
 * SHA-256(clientDataJSON). Keys live in WebCrypto.
 *
 * Knobs, all mutable between ceremonies: `userVerification` (UV flag),
 * `userPresence` (UP flag), `signCount` (the counter the next assertion
 * reports; it then increases by `counterStep`, 0 = no counter support),
 * `backupEligible` (a synced passkey rather than a device-bound key), and
 * `corruptSignature` (flip a bit of the next signatures).
 */

export interface SoftAuthenticatorOptions {
  userVerification?: boolean;
  userPresence?: boolean;
  backupEligible?: boolean;
  signCount?: number;
  counterStep?: number;
  aaguid?: string;
  transports?: string[];
  attachment?: 'platform' | 'cross-platform';
}

/** What the browser contributes: the page's origin, and the RP id the authenticator is told. */
export interface CeremonyContext {
  origin: string;
  /** The RP id hashed into authenticatorData; defaults to the one in the options, as a browser would. */
  rpId?: string;
  /** Overrides the challenge echoed in clientDataJSON. */
  challenge?: string;
}

interface StoredCredential {
  id: Uint8Array;
  rpId: string;
  userHandle: string;
  keys: CryptoKeyPair;
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export const SOFT_AAGUID = '5a1f7c0d-0b5e-4e55-9a3b-50f7a0c1d2e3';

export class SoftAuthenticator {
  userVerification: boolean;
  userPresence: boolean;
  backupEligible: boolean;
  signCount: number;
  counterStep: number;
  corruptSignature = false;
  readonly aaguid: string;
  readonly transports: string[];
  readonly attachment: 'platform' | 'cross-platform';
  readonly #credentials: StoredCredential[] = [];

  constructor(options: SoftAuthenticatorOptions = {}) {
    this.userVerification = options.userVerification ?? true;
    this.userPresence = options.userPresence ?? true;
    this.backupEligible = options.backupEligible ?? false;
    this.signCount = options.signCount ?? 0;
    this.counterStep = options.counterStep ?? 1;
    this.aaguid = options.aaguid ?? SOFT_AAGUID;
    this.transports = options.transports ?? ['usb'];
    this.attachment = options.attachment ?? 'cross-platform';
  }

  get credentialIds(): string[] {
    return this.#credentials.map((c) => b64url(c.id));
  }

  /** navigator.credentials.create() */
  async register(
    options: PublicKeyCredentialCreationOptionsJSON,
    ctx: CeremonyContext,
  ): Promise<RegistrationResponseJSON> {
    const rpId = ctx.rpId ?? options.rp.id ?? new URL(ctx.origin).hostname;
    const excluded = new Set((options.excludeCredentials ?? []).map((c) => c.id));
    if (this.#credentials.some((c) => c.rpId === rpId && excluded.has(b64url(c.id)))) {
      throw new DOMException('The authenticator already holds an excluded credential', 'InvalidStateError');
    }
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const credential = {
      id: new Uint8Array(randomBytes(32)),
      rpId: options.rp.id ?? rpId,
      userHandle: options.user.id,
      keys,
    };
    this.#credentials.push(credential);

    const clientDataJSON = clientData('webauthn.create', ctx.challenge ?? options.challenge, ctx.origin);
    const attested = concat(
      uuidBytes(this.aaguid),
      u16(credential.id.length),
      credential.id,
      await coseKey(keys.publicKey),
    );
    const authData = concat(this.#authDataHead(rpId, FLAG_AT, this.signCount), attested);
    const attestationObject = encodeCbor(
      new Map<string, CborValue>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const id = b64url(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: this.transports as RegistrationResponseJSON['response']['transports'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.attachment,
    };
  }

  /** navigator.credentials.get() */
  async authenticate(
    options: PublicKeyCredentialRequestOptionsJSON,
    ctx: CeremonyContext,
  ): Promise<AuthenticationResponseJSON> {
    const requestedRpId = options.rpId ?? new URL(ctx.origin).hostname;
    const rpId = ctx.rpId ?? requestedRpId;
    const allowed = new Set((options.allowCredentials ?? []).map((c) => c.id));
    const credential = this.#credentials.find(
      (c) => c.rpId === requestedRpId && (allowed.size === 0 || allowed.has(b64url(c.id))),
    );
    if (!credential) throw new DOMException('No credential for this relying party', 'NotAllowedError');

    this.signCount += this.counterStep;
    const authData = this.#authDataHead(rpId, 0, this.signCount);
    const clientDataJSON = clientData('webauthn.get', ctx.challenge ?? options.challenge, ctx.origin);
    const signed = concat(authData, sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-256' },
        credential.keys.privateKey,
        new Uint8Array(signed),
      ),
    );
    const signature = p1363ToDer(raw);
    if (this.corruptSignature) signature[signature.length - 1] = (signature.at(-1) ?? 0) ^ 0x01;
    const id = b64url(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: this.attachment,
    };
  }

  #authDataHead(rpId: string, extraFlags: number, counter: number): Uint8Array {
    let flags = extraFlags;
    if (this.userPresence) flags |= FLAG_UP;
    if (this.userVerification) flags |= FLAG_UV;
    if (this.backupEligible) flags |= FLAG_BE | FLAG_BS;
    return concat(sha256(new TextEncoder().encode(rpId)), new Uint8Array([flags]), u32(counter));
  }
}

function clientData(type: string, challenge: string, origin: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/** COSE_Key for ES256: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
async function coseKey(publicKey: CryptoKey): Promise<Uint8Array> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey));
  return encodeCbor(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, raw.slice(1, 33)],
      [-3, raw.slice(33, 65)],
    ]),
  );
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

function u16(n: number): Uint8Array {
  return new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

function uuidBytes(uuid: string): Uint8Array {
  return new Uint8Array(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
