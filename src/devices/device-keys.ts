import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * Device public keys: the mobile authenticator's and the desktop
 * installation's. Two algorithms are accepted — Ed25519 and ECDSA P-256
 * with SHA-256 (what iOS Secure Enclave and Android StrongBox offer). A
 * public key arrives as a SPKI PEM or a JWK and is stored as SPKI PEM.
 */

export type DeviceKeyAlgorithm = 'Ed25519' | 'P-256';

/** A device public key as received: SPKI PEM text or a public JWK. */
export type DevicePublicKeyInput = string | JsonWebKey;

export interface DevicePublicKey {
  algorithm: DeviceKeyAlgorithm;
  /** Canonical storage form. */
  spkiPem: string;
  /** SHA-256 of the SPKI DER, base64url: a stable device identifier. */
  deviceId: string;
  key: KeyObject;
}

/** Thrown for an unparsable or unsupported public key (untrusted input at registration). */
export class DeviceKeyError extends Error {
  readonly code = 'DEVICE_KEY_UNSUPPORTED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceKeyError';
  }
}

export function importDevicePublicKey(input: DevicePublicKeyInput): DevicePublicKey {
  let key: KeyObject;
  try {
    key = typeof input === 'string' ? createPublicKey(input) : createPublicKey({ key: input, format: 'jwk' });
  } catch (cause) {
    throw new DeviceKeyError('The device public key could not be parsed.', { cause });
  }
  const algorithm = algorithmOf(key);
  const spkiDer = key.export({ type: 'spki', format: 'der' });
  return {
    algorithm,
    spkiPem: key.export({ type: 'spki', format: 'pem' }).toString(),
    deviceId: createHash('sha256').update(spkiDer).digest('base64url'),
    key,
  };
}

/** Accepts an already imported key as is; imports PEM or JWK input. */
export function toDevicePublicKey(input: DevicePublicKey | DevicePublicKeyInput): DevicePublicKey {
  if (typeof input === 'object' && 'spkiPem' in input && 'key' in input) return input as DevicePublicKey;
  return importDevicePublicKey(input as DevicePublicKeyInput);
}

function algorithmOf(key: KeyObject): DeviceKeyAlgorithm {
  if (key.type !== 'public') throw new DeviceKeyError('A public key is required.');
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'P-256';
  throw new DeviceKeyError('Only Ed25519 and ECDSA P-256 device keys are supported.');
}

/** The device identifier for a public key: base64url(SHA-256(SPKI DER)). */
export function deviceIdFromPublicKey(input: DevicePublicKeyInput): string {
  return importDevicePublicKey(input).deviceId;
}

/**
 * Verifies a device signature over `data`. Ed25519 signatures are 64 bytes
 * (RFC 8032). P-256 signatures are accepted both as IEEE P1363 `r‖s` (64
 * bytes, what WebCrypto produces) and as ASN.1 DER (what Android, iOS and
 * OpenSSL produce). Never throws on bad input: a malformed signature is
 * simply not valid.
 */
export function verifyDeviceSignature(
  publicKey: DevicePublicKey,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (publicKey.algorithm === 'Ed25519') return verify(null, data, publicKey.key, signature);
    // A 64-byte P1363 value can look like DER by chance (about 1 in 65,536), so it is tried as both.
    const encodings: ('ieee-p1363' | 'der')[] = [];
    if (signature.length === 64) encodings.push('ieee-p1363');
    if (isDerSequence(signature)) encodings.push('der');
    return encodings.some((dsaEncoding) => verifyEcdsa(publicKey.key, data, signature, dsaEncoding));
  } catch {
    return false;
  }
}

function verifyEcdsa(
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
  dsaEncoding: 'ieee-p1363' | 'der',
) {
  try {
    return verify('sha256', data, { key, dsaEncoding }, signature);
  } catch {
    return false;
  }
}

/** A DER ECDSA-Sig-Value is SEQUENCE (0x30) whose short-form length covers the rest. */
function isDerSequence(signature: Uint8Array): boolean {
  return signature.length >= 8 && signature[0] === 0x30 && signature[1] === signature.length - 2;
}

/** Decodes base64url (or base64) signature text; null when it is not such text. */
export function decodeSignature(text: string): Uint8Array | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, text.includes('+') || text.includes('/') ? 'base64' : 'base64url'));
}

// ── client-side helpers (desktop terminal, tests) ──────────────────────────

export interface DeviceKeyPair {
  algorithm: DeviceKeyAlgorithm;
  publicKeyPem: string;
  privateKeyPem: string;
}

/** A new device key pair, exported as SPKI PEM (public) and PKCS#8 PEM (private). */
export function generateDeviceKeyPair(algorithm: DeviceKeyAlgorithm = 'Ed25519'): DeviceKeyPair {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const { publicKey, privateKey } =
    algorithm === 'Ed25519'
      ? generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding, privateKeyEncoding });
  return { algorithm, publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** Signs with a PKCS#8 PEM private key; P-256 signatures come out as P1363 `r‖s` like WebCrypto's. */
export function signWithDeviceKey(privateKeyPem: string, data: Uint8Array): Uint8Array {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType === 'ed25519') return new Uint8Array(sign(null, data, key));
  return new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
}
