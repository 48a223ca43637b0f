/**
 * Request signing for Portcullis API keys.
 *
 * Canonical string, lines joined by "\n":
 *   timestamp (Unix ms) · nonce · METHOD · path with query exactly as sent ·
 *   lower-case hex SHA-256 of the raw body (of "" when there is none)
 *
 * HMAC-SHA256 keys sign it with the secret, Ed25519 keys with the private
 * key; the signature is sent as unpadded base64url. A signer never exposes its
 * key material: it lives in a private field as a prepared KeyObject.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createSecretKey,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';

export interface SignedHeaders {
  'PC-KEY': string;
  'PC-TIMESTAMP': string;
  'PC-NONCE': string;
  'PC-SIGNATURE': string;
}

export interface SignInput {
  method: string;
  /** Path and query exactly as they go on the wire, e.g. `/api/v1/accounts/a1/orders?dryRun=false`. */
  pathWithQuery: string;
  body?: string | Uint8Array | undefined;
  /** Unix ms; defaults to now. */
  timestamp?: number;
  /** Defaults to a fresh random nonce. Never reuse one. */
  nonce?: string;
}

export interface Signer {
  readonly keyId: string;
  readonly algorithm: 'hmac-sha256' | 'ed25519';
  sign(input: SignInput): SignedHeaders;
}

export function canonicalString(input: {
  timestamp: number | string;
  nonce: string;
  method: string;
  pathWithQuery: string;
  body?: string | Uint8Array | undefined;
}): string {
  const digest = createHash('sha256')
    .update(input.body ?? '')
    .digest('hex');
  return `${input.timestamp}\n${input.nonce}\n${input.method.toUpperCase()}\n${input.pathWithQuery}\n${digest}`;
}

/** 16 random bytes as base64url (22 characters). */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

const NONCE = /^[A-Za-z0-9_-]{8,64}$/;
const KEY_ID = /^[A-Za-z0-9_.-]{1,128}$/;

abstract class BaseSigner implements Signer {
  readonly keyId: string;
  abstract readonly algorithm: 'hmac-sha256' | 'ed25519';

  constructor(keyId: string) {
    if (!KEY_ID.test(keyId)) throw new TypeError('A key id is 1 to 128 characters of A-Z a-z 0-9 _ . -');
    this.keyId = keyId;
  }

  protected abstract signCanonical(canonical: string): string;

  sign(input: SignInput): SignedHeaders {
    const timestamp = input.timestamp ?? Date.now();
    const nonce = input.nonce ?? newNonce();
    if (!Number.isSafeInteger(timestamp) || timestamp <= 0)
      throw new TypeError('timestamp must be Unix milliseconds');
    if (!NONCE.test(nonce)) throw new TypeError('nonce must be 8 to 64 base64url characters');
    const canonical = canonicalString({ ...input, timestamp, nonce });
    return {
      'PC-KEY': this.keyId,
      'PC-TIMESTAMP': String(timestamp),
      'PC-NONCE': nonce,
      'PC-SIGNATURE': this.signCanonical(canonical),
    };
  }

  toJSON(): { keyId: string; algorithm: string } {
    return { keyId: this.keyId, algorithm: this.algorithm };
  }
}

class HmacSigner extends BaseSigner {
  readonly algorithm = 'hmac-sha256' as const;
  readonly #key: KeyObject;

  constructor(keyId: string, secret: string | Uint8Array) {
    super(keyId);
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (bytes.length < 16) throw new TypeError('An HMAC secret must be at least 16 bytes');
    this.#key = createSecretKey(bytes);
  }

  protected signCanonical(canonical: string): string {
    return createHmac('sha256', this.#key).update(canonical).digest('base64url');
  }
}

class Ed25519Signer extends BaseSigner {
  readonly algorithm = 'ed25519' as const;
  readonly #key: KeyObject;

  constructor(keyId: string, privateKey: KeyObject) {
    super(keyId);
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
      throw new TypeError('Expected an Ed25519 private key');
    }
    this.#key = privateKey;
  }

  protected signCanonical(canonical: string): string {
    return sign(null, Buffer.from(canonical, 'utf8'), this.#key).toString('base64url');
  }
}

/** A signer for an HMAC-SHA256 key; `secret` is the value shown once when the key was created. */
export function createHmacSigner(keyId: string, secret: string | Uint8Array): Signer {
  return new HmacSigner(keyId, secret);
}

/** A signer for an Ed25519 key from a PKCS#8 PEM private key (as `openssl genpkey -algorithm ed25519` writes) or a KeyObject. */
export function createEd25519Signer(keyId: string, privateKey: string | KeyObject): Signer {
  const key =
    typeof privateKey === 'string' ? createPrivateKey({ key: privateKey, format: 'pem' }) : privateKey;
  return new Ed25519Signer(keyId, key);
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A signer for an Ed25519 key from its 32-byte seed (hex text or bytes). */
export function createEd25519SignerFromSeed(keyId: string, seed: string | Uint8Array): Signer {
  const bytes = typeof seed === 'string' ? Buffer.from(seed, 'hex') : Buffer.from(seed);
  if (bytes.length !== 32) throw new TypeError('An Ed25519 seed is 32 bytes (64 hex characters)');
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, bytes]);
  return new Ed25519Signer(keyId, createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
}
