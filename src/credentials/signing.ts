/**
 * Signed requests (API.md, "API keys and signed requests").
 *
 * Canonical string, lines joined by `\n`:
 *   timestamp (Unix ms) · nonce · METHOD · path with query exactly as sent ·
 *   lower-case hex SHA-256 of the raw body (of "" when there is none)
 *
 * HMAC-SHA256 keys sign it with the secret; Ed25519 keys with the client's
 * private key; the signature travels as unpadded base64url in PC-SIGNATURE.
 *
 * Keys are prepared once as `KeyObject`s: on Node 24, HMAC with a raw Buffer
 * key is several times slower than with a prepared secret key, and parsing a
 * PEM per request would dominate Ed25519 verification.
 *
 * `verifySignedRequest` runs its checks in a fixed order, cheapest and
 * stateless first; the nonce is only stored once the signature is proven, so
 * unsigned traffic cannot fill the nonce cache or burn a client's nonces.
 *
 *   1. headers present and well-formed        → SIGNATURE_MISSING
 *   2. timestamp within ±window of server time → TIMESTAMP_OUT_OF_WINDOW
 *   3. key known, signature matches            → INVALID_SIGNATURE
 *   4. nonce unseen for this key in the window → REPLAYED_REQUEST
 */
import {
  createHmac,
  createPublicKey,
  createSecretKey,
  hash,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import type { NonceCache } from '../limits/nonce-cache.ts';
import { type Refusal, refuse } from './codes.ts';

export const DEFAULT_WINDOW_MS = 5_000;
export const MAX_WINDOW_MS = 60_000;

export const HEADER_KEY = 'pc-key';
export const HEADER_TIMESTAMP = 'pc-timestamp';
export const HEADER_NONCE = 'pc-nonce';
export const HEADER_SIGNATURE = 'pc-signature';

/** 8–64 base64url characters; 16 random bytes (22 characters) is plenty. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;
const TIMESTAMP_PATTERN = /^[1-9][0-9]{0,15}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const HMAC_SIGNATURE_LENGTH = 43;
const ED25519_SIGNATURE_LENGTH = 86;

export interface CanonicalParts {
  timestamp: number | string;
  nonce: string;
  method: string;
  pathWithQuery: string;
  body?: string | Uint8Array | undefined;
}

const EMPTY_BODY_DIGEST = hash('sha256', '', 'hex');

/** Lower-case hex SHA-256 of the raw body; of the empty string when there is none. */
export function bodyDigestHex(body: string | Uint8Array | undefined): string {
  return body === undefined || body.length === 0 ? EMPTY_BODY_DIGEST : hash('sha256', body, 'hex');
}

export function canonicalString(parts: CanonicalParts): string {
  return `${parts.timestamp}\n${parts.nonce}\n${parts.method.toUpperCase()}\n${parts.pathWithQuery}\n${bodyDigestHex(parts.body)}`;
}

/** Prepares an HMAC secret once; keep the result for the key's lifetime. */
export function prepareHmacKey(secret: string | Uint8Array): KeyObject {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (bytes.length < 16) throw new TypeError('An HMAC secret must be at least 16 bytes');
  return createSecretKey(bytes);
}

/** Prepares an Ed25519 public key from SPKI PEM; throws TypeError for any other key type. */
export function prepareEd25519PublicKey(spkiPem: string): KeyObject {
  const key = createPublicKey({ key: spkiPem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('Expected an Ed25519 public key');
  return key;
}

export function signHmac(key: KeyObject, canonical: string): string {
  return createHmac('sha256', key).update(canonical).digest('base64url');
}

/** Constant-time comparison of base64url text (the length, 43, is public). */
export function verifyHmac(key: KeyObject, canonical: string, signature: string): boolean {
  if (signature.length !== HMAC_SIGNATURE_LENGTH) return false;
  const expected = Buffer.from(signHmac(key, canonical), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Signs with an Ed25519 private key (tests, benchmarks and the SDK's counterpart). */
export function signEd25519(privateKey: KeyObject, canonical: string): string {
  return sign(null, Buffer.from(canonical, 'utf8'), privateKey).toString('base64url');
}

export function verifyEd25519(publicKey: KeyObject, canonical: string, signature: string): boolean {
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  const bytes = Buffer.from(signature, 'base64url');
  // Only the canonical encoding is accepted, so one signature has one spelling.
  if (bytes.length !== 64 || bytes.toString('base64url') !== signature) return false;
  return verify(null, Buffer.from(canonical, 'utf8'), publicKey, bytes);
}

export interface VerificationKey {
  kind: 'hmac' | 'ed25519';
  key: KeyObject;
  /** Which secret of the key this is (current or in its rotation grace window). */
  secretId?: string;
}

/** Raw header values as received; `readSignatureHeaders` extracts them. */
export interface SignatureHeaders {
  key: string | undefined;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
}

export type HeaderSource =
  | Record<string, string | string[] | undefined>
  | { get(name: string): string | null };

function single(source: HeaderSource, name: string): string | undefined {
  if (typeof source.get === 'function')
    return (source as { get(n: string): string | null }).get(name) ?? undefined;
  const value = (source as Record<string, string | string[] | undefined>)[name];
  return typeof value === 'string' ? value : undefined; // a repeated header is malformed
}

/** Reads the four PC-* headers from Node's lower-cased header record or a fetch `Headers`. */
export function readSignatureHeaders(source: HeaderSource): SignatureHeaders {
  return {
    key: single(source, HEADER_KEY),
    timestamp: single(source, HEADER_TIMESTAMP),
    nonce: single(source, HEADER_NONCE),
    signature: single(source, HEADER_SIGNATURE),
  };
}

export interface SignedRequest {
  headers: SignatureHeaders;
  method: string;
  pathWithQuery: string;
  body: string | Uint8Array | undefined;
}

export interface VerifyRequestOptions {
  /** Server time, Unix ms. */
  now: number;
  /** Receive window either side of server time; default 5 s, at most 60 s. */
  windowMs?: number;
  /** The key's currently valid secrets (at most two during a rotation), or undefined when unknown. */
  resolveKey: (
    keyId: string,
  ) => readonly VerificationKey[] | undefined | Promise<readonly VerificationKey[] | undefined>;
  nonces: NonceCache;
}

export interface VerifiedRequest {
  ok: true;
  keyId: string;
  timestamp: number;
  nonce: string;
  matched: VerificationKey;
}

export type SignedRequestRefusal =
  | Refusal<'SIGNATURE_MISSING'>
  | Refusal<'TIMESTAMP_OUT_OF_WINDOW'>
  | Refusal<'INVALID_SIGNATURE'>
  | Refusal<'REPLAYED_REQUEST'>;

export type SignedRequestResult = VerifiedRequest | SignedRequestRefusal;

interface ParsedHeaders {
  keyId: string;
  timestamp: number;
  timestampText: string;
  nonce: string;
  signature: string;
}

function parseHeaders(h: SignatureHeaders): ParsedHeaders | Refusal<'SIGNATURE_MISSING'> {
  if (
    h.key === undefined ||
    h.timestamp === undefined ||
    h.nonce === undefined ||
    h.signature === undefined
  ) {
    return refuse('SIGNATURE_MISSING', {
      reason: 'PC-KEY, PC-TIMESTAMP, PC-NONCE and PC-SIGNATURE are required',
    });
  }
  if (!KEY_ID_PATTERN.test(h.key)) return refuse('SIGNATURE_MISSING', { reason: 'PC-KEY is malformed' });
  if (!TIMESTAMP_PATTERN.test(h.timestamp)) {
    return refuse('SIGNATURE_MISSING', { reason: 'PC-TIMESTAMP must be Unix milliseconds' });
  }
  if (!NONCE_PATTERN.test(h.nonce)) {
    return refuse('SIGNATURE_MISSING', { reason: 'PC-NONCE must be 8 to 64 base64url characters' });
  }
  if (!SIGNATURE_PATTERN.test(h.signature)) {
    return refuse('SIGNATURE_MISSING', { reason: 'PC-SIGNATURE must be unpadded base64url' });
  }
  return {
    keyId: h.key,
    timestamp: Number(h.timestamp),
    timestampText: h.timestamp,
    nonce: h.nonce,
    signature: h.signature,
  };
}

export function assertWindow(windowMs: number): number {
  if (!Number.isInteger(windowMs) || windowMs <= 0 || windowMs > MAX_WINDOW_MS) {
    throw new TypeError(`The receive window must be an integer in 1..${MAX_WINDOW_MS} ms, got ${windowMs}`);
  }
  return windowMs;
}

function matchingKey(keys: readonly VerificationKey[], canonical: string, signature: string) {
  for (const candidate of keys) {
    const valid =
      candidate.kind === 'hmac'
        ? verifyHmac(candidate.key, canonical, signature)
        : verifyEd25519(candidate.key, canonical, signature);
    if (valid) return candidate;
  }
  return undefined;
}

/**
 * Verifies a signed request. Unknown keys and wrong signatures both answer
 * INVALID_SIGNATURE so the answer does not reveal which key ids exist; the
 * log-only `internal.reason` tells them apart. Nonce-cache errors propagate (fail
 * closed): the caller answers 503.
 */
export async function verifySignedRequest(
  request: SignedRequest,
  options: VerifyRequestOptions,
): Promise<SignedRequestResult> {
  const windowMs = assertWindow(options.windowMs ?? DEFAULT_WINDOW_MS);
  const parsed = parseHeaders(request.headers);
  if ('ok' in parsed) return parsed;
  // Positive skew: the client's clock is ahead of the server's.
  const skewMs = parsed.timestamp - options.now;
  if (Math.abs(skewMs) > windowMs) {
    return refuse('TIMESTAMP_OUT_OF_WINDOW', { serverTime: options.now, skewMs, windowMs });
  }
  const keys = await options.resolveKey(parsed.keyId);
  if (keys === undefined || keys.length === 0) {
    return refuse('INVALID_SIGNATURE', {}, { keyId: parsed.keyId, reason: 'unknown_key' });
  }
  const canonical = canonicalString({
    timestamp: parsed.timestampText,
    nonce: parsed.nonce,
    method: request.method,
    pathWithQuery: request.pathWithQuery,
    body: request.body,
  });
  const matched = matchingKey(keys, canonical, parsed.signature);
  if (matched === undefined)
    return refuse('INVALID_SIGNATURE', {}, { keyId: parsed.keyId, reason: 'mismatch' });
  // Remember the nonce for as long as a request with this timestamp could still be accepted
  // (up to 2 × window), which also covers modest clock differences between nodes.
  const fresh = await options.nonces.checkAndStore(parsed.keyId, parsed.nonce, 2 * windowMs);
  if (!fresh) return refuse('REPLAYED_REQUEST', { keyId: parsed.keyId });
  return { ok: true, keyId: parsed.keyId, timestamp: parsed.timestamp, nonce: parsed.nonce, matched };
}
