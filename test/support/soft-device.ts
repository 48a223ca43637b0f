import { createPublicKey, type JsonWebKey } from 'node:crypto';

/**
 * A software mobile device (or desktop installation) holding a real key
 * pair, signing exactly as the apps do: P-256 through WebCrypto (ECDSA
 * SHA-256, IEEE P1363 `r‖s` output — what `crypto.subtle.sign` returns), or
 * Ed25519 through WebCrypto. `signatureEncoding: 'der'` mimics Android and
 * iOS native APIs, which emit ASN.1 DER for ECDSA.
 *
 * The signed messages are built here from the documented encodings
 * (src/authn/factors/README.md), not with the server's encoder, so the
 * tests check that the server agrees with an independent client.
 */

export type SoftDeviceAlgorithm = 'P-256' | 'Ed25519';

export interface SoftDeviceOptions {
  algorithm?: SoftDeviceAlgorithm;
  /** Output encoding for P-256 signatures. */
  signatureEncoding?: 'p1363' | 'der';
  /** Whether the device claims a biometric check before signing. */
  userVerified?: boolean;
}

export interface PushPrompt {
  challengeId: string;
  choices: number[];
}

export class SoftDevice {
  readonly algorithm: SoftDeviceAlgorithm;
  readonly signatureEncoding: 'p1363' | 'der';
  userVerified: boolean;
  readonly #keys: CryptoKeyPair;
  readonly publicKeyPem: string;
  readonly publicJwk: JsonWebKey;

  private constructor(keys: CryptoKeyPair, spkiPem: string, jwk: JsonWebKey, options: SoftDeviceOptions) {
    this.algorithm = options.algorithm ?? 'P-256';
    this.signatureEncoding = options.signatureEncoding ?? 'p1363';
    this.userVerified = options.userVerified ?? true;
    this.#keys = keys;
    this.publicKeyPem = spkiPem;
    this.publicJwk = jwk;
  }

  static async create(options: SoftDeviceOptions = {}): Promise<SoftDevice> {
    const algorithm = options.algorithm ?? 'P-256';
    const params = algorithm === 'P-256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
    const keys = (await crypto.subtle.generateKey(params, false, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = Buffer.from(await crypto.subtle.exportKey('spki', keys.publicKey));
    const spkiPem = createPublicKey({ key: spki, format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const jwk = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey;
    return new SoftDevice(keys, spkiPem, jwk, options);
  }

  /** Raw signature bytes over `data`, as the app's crypto API would produce them. */
  async sign(data: Uint8Array): Promise<Uint8Array> {
    const params = this.algorithm === 'P-256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
    const raw = new Uint8Array(await crypto.subtle.sign(params, this.#keys.privateKey, new Uint8Array(data)));
    if (this.algorithm === 'P-256' && this.signatureEncoding === 'der') return p1363ToDer(raw);
    return raw;
  }

  /** The body a real app posts to `/push/{challengeId}/decision`. */
  async decide(
    prompt: PushPrompt,
    decision: 'approve' | 'deny',
    pickedNumber: number,
  ): Promise<{
    challengeId: string;
    decision: 'approve' | 'deny';
    number: number;
    userVerified: boolean;
    signature: string;
  }> {
    const body = {
      challengeId: prompt.challengeId,
      decision,
      number: pickedNumber,
      userVerified: this.userVerified,
    };
    const signature = await this.sign(encodePushDecision(body));
    return { ...body, signature: Buffer.from(signature).toString('base64url') };
  }

  /** The body a real client posts to `/login/flows/{id}/device-proof`. */
  async proveDevice(input: {
    challenge: string;
    deviceId: string;
    timestamp: number;
  }): Promise<{ deviceId: string; timestamp: number; signature: string }> {
    const signature = await this.sign(encodeDeviceProof(input));
    return {
      deviceId: input.deviceId,
      timestamp: input.timestamp,
      signature: Buffer.from(signature).toString('base64url'),
    };
  }
}

/** Converts a 64-byte `r‖s` signature into ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function p1363ToDer(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array): number[] => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = [...bytes.subarray(i)];
    if ((trimmed[0] ?? 0) & 0x80) trimmed.unshift(0);
    return [0x02, trimmed.length, ...trimmed];
  };
  const body = [...integer(raw.subarray(0, 32)), ...integer(raw.subarray(32))];
  return new Uint8Array([0x30, body.length, ...body]);
}

/** The push-decision message, written from the documented line encoding. */
export function encodePushDecision(d: {
  challengeId: string;
  decision: string;
  number: number;
  userVerified: boolean;
}) {
  const text = [
    'portcullis-push-decision/v1',
    `challengeId=${d.challengeId}`,
    `decision=${d.decision}`,
    `number=${d.number}`,
    `userVerified=${d.userVerified}`,
  ].join('\n');
  return new TextEncoder().encode(text);
}

/** The device-proof message: `challenge\ntimestamp\ndeviceId`. */
export function encodeDeviceProof(p: { challenge: string; timestamp: number; deviceId: string }) {
  return new TextEncoder().encode(`${p.challenge}\n${p.timestamp}\n${p.deviceId}`);
}
