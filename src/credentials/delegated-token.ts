/**
 * Delegated tokens: short-lived (≤ 24 h), narrowly scoped bearer credentials
 * a person with a fresh strong session mints for a bot. Verification needs no
 * I/O: the signing keys, a clock and an in-memory `currentEpoch(accountId)`
 * lookup the caller keeps fresh (the kill switch bumps an account's credential
 * epoch, which kills every token minted before it, on every node, as soon as
 * the new epoch reaches that node's map).
 *
 * Format: a standard JWT (JWS compact, HS256) with `typ: pc-dt+jwt`, so any
 * JOSE library can inspect it. Why HMAC-SHA256 with a prepared node:crypto key
 * rather than jose with EdDSA: verification sits on the order path, and only
 * Portcullis itself mints and verifies these tokens (no third party needs a
 * public key), so the asymmetric property buys nothing. Measured on Node 24:
 * jose `jwtVerify` costs about 50 µs (HS256) and 110 µs (EdDSA) per token
 * through WebCrypto; this module's synchronous HMAC path costs a few µs (see
 * bench/credentials/verify.ts). The price is that every verifying node holds
 * the secret, which it does anyway as part of the server's key ring.
 *
 * Verification steps, in order (first failure wins):
 *   1. three base64url segments, ≤ 8 KiB                 → TOKEN_INVALID
 *   2. header is exactly one we issue (alg, typ, kid)     → TOKEN_INVALID
 *   3. HMAC matches (constant time)                       → TOKEN_INVALID
 *   4. claims well-formed, issuer/audience ours, ≤ 24 h   → TOKEN_INVALID
 *   5. not expired                                        → TOKEN_EXPIRED
 *   6. bound API key, when any, is the presenting key     → TOKEN_KEY_MISMATCH
 *   7. token id not revoked, epochs current               → TOKEN_REVOKED
 */
import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Refusal, refuse } from './codes.ts';
import { type CompiledConstraints, compileConstraints } from './constraints.ts';
import { parseScopes, type Scope, scopesWithin } from './scopes.ts';

export const TOKEN_TYPE = 'pc-dt+jwt';
export const TOKEN_ISSUER = 'portcullis';
export const TOKEN_AUDIENCE = 'portcullis:api';
export const MAX_TOKEN_TTL_MS = 24 * 3_600_000;
export const MIN_TOKEN_TTL_MS = 60_000;
export const DEFAULT_TOKEN_TTL_MS = 3_600_000;
const MAX_TOKEN_LENGTH = 8192;
/** Tolerated lead of `iat` over the verifier's clock (nodes' clocks differ slightly). */
const ISSUED_AT_LEEWAY_S = 5;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

interface PreparedKey {
  kid: string;
  key: KeyObject;
  header: string;
}

/** Decoded claims of recently verified tokens, by signature (a bot presents one token many times). */
const CLAIMS_MEMO_SIZE = 10_000;

/**
 * The server's token signing keys; the first is used to mint, all verify (for
 * key rotation). It also memoises the decoded, compiled claims of tokens whose
 * signature it has verified, keyed by that signature: decoding and compiling
 * constraints costs more than the HMAC itself. Only claims are memoised; time,
 * binding and revocation are checked on every verification.
 */
export class DelegatedTokenKeys {
  readonly #keys: PreparedKey[];
  readonly #byHeader: Map<string, PreparedKey>;
  readonly #memo = new Map<string, Claims>();

  constructor(keys: ReadonlyArray<{ kid: string; secret: Uint8Array }>) {
    if (keys.length === 0) throw new TypeError('At least one token signing key is required');
    this.#keys = keys.map(({ kid, secret }) => {
      if (secret.length < 32) throw new TypeError(`Token signing key ${kid} must be at least 32 bytes`);
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: TOKEN_TYPE, kid })).toString(
        'base64url',
      );
      return { kid, key: createSecretKey(secret), header };
    });
    this.#byHeader = new Map(this.#keys.map((k) => [k.header, k]));
  }

  get active(): PreparedKey {
    return this.#keys[0]!;
  }

  byHeader(header: string): PreparedKey | undefined {
    return this.#byHeader.get(header);
  }

  remembered(signature: string): Claims | undefined {
    return this.#memo.get(signature);
  }

  remember(signature: string, claims: Claims): void {
    if (this.#memo.size >= CLAIMS_MEMO_SIZE) this.#memo.delete(this.#memo.keys().next().value!);
    this.#memo.set(signature, claims);
  }
}

export interface MintInput {
  userId: string;
  scopes: readonly string[];
  /** Constraints in JSON form (accounts, environment, IP ranges, limits). */
  constraints: unknown;
  /** Binds the token to one API key: it is then only accepted alongside that key, within its scopes. */
  apiKey?: { id: string; scopes: readonly string[] };
  ttlMs?: number;
  now: number;
  /** The account's current credential epoch, from the same map verification uses. */
  currentEpoch: (accountId: string) => number | undefined;
}

export type MintRefusal = Refusal<
  'CONSTRAINTS_INVALID' | 'SCOPE_UNKNOWN' | 'SCOPE_INSUFFICIENT' | 'EXPIRY_INVALID'
>;

export interface MintedToken {
  ok: true;
  token: string;
  tokenId: string;
  expiresAt: number;
}

function sign(key: KeyObject, signingInput: string): string {
  return createHmac('sha256', key).update(signingInput).digest('base64url');
}

/** Mints a token after validating scopes, constraints, binding and lifetime. */
export function mintDelegatedToken(keys: DelegatedTokenKeys, input: MintInput): MintedToken | MintRefusal {
  const ttlMs = input.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
  if (!Number.isInteger(ttlMs) || ttlMs < MIN_TOKEN_TTL_MS || ttlMs > MAX_TOKEN_TTL_MS) {
    return refuse('EXPIRY_INVALID', { minTtlMs: MIN_TOKEN_TTL_MS, maxTtlMs: MAX_TOKEN_TTL_MS });
  }
  const scopes = parseScopes(input.scopes);
  if (!scopes.ok) return scopes;
  if (input.apiKey !== undefined && !scopesWithin(scopes.scopes, input.apiKey.scopes)) {
    return refuse('SCOPE_INSUFFICIENT', { reason: 'a bound token cannot exceed its key’s scopes' });
  }
  const compiled = compileConstraints(input.constraints);
  if (!compiled.ok) return compiled;
  const epochs: Record<string, number> = {};
  for (const accountId of compiled.constraints.source.accounts) {
    const epoch = input.currentEpoch(accountId);
    if (epoch === undefined)
      return refuse('CONSTRAINTS_INVALID', { problems: [`unknown account ${accountId}`] });
    epochs[accountId] = epoch;
  }
  const tokenId = `dt_${randomBytes(16).toString('base64url')}`;
  const iat = Math.floor(input.now / 1000);
  const exp = iat + Math.floor(ttlMs / 1000);
  const claims: TokenClaims = {
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: input.userId,
    jti: tokenId,
    iat,
    exp,
    scope: scopes.scopes.join(' '),
    pc: { v: 1, con: compiled.constraints.source, ep: epochs, ...(input.apiKey && { key: input.apiKey.id }) },
  };
  const key = keys.active;
  const signingInput = `${key.header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return {
    ok: true,
    token: `${signingInput}.${sign(key.key, signingInput)}`,
    tokenId,
    expiresAt: exp * 1000,
  };
}

interface TokenClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  scope: string;
  pc: { v: 1; con: unknown; ep: Record<string, number>; key?: string };
}

export interface DelegatedToken {
  ok: true;
  tokenId: string;
  userId: string;
  accountIds: readonly string[];
  scopes: readonly Scope[];
  constraints: CompiledConstraints;
  apiKeyId: string | undefined;
  ipRanges: readonly string[] | undefined;
  issuedAt: number;
  expiresAt: number;
  epochs: Readonly<Record<string, number>>;
}

export interface VerifyTokenOptions {
  now: number;
  currentEpoch: (accountId: string) => number | undefined;
  /** Individually revoked token ids (optional; the epoch covers the kill switch). */
  isRevoked?: (tokenId: string) => boolean;
  /** The API key that signed the request carrying the token, if any. */
  presentedKeyId?: string | undefined;
}

type Claims = Omit<DelegatedToken, 'ok'>;

export type TokenRefusal = Refusal<
  'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' | 'TOKEN_KEY_MISMATCH'
>;

function invalid(reason: string): TokenRefusal {
  return refuse('TOKEN_INVALID', {}, { reason });
}

/** Steps 1–3: the token is one we signed. Returns the payload segment and the signature. */
function authenticate(
  keys: DelegatedTokenKeys,
  token: string,
): { payload: string; signature: string } | TokenRefusal {
  if (token.length > MAX_TOKEN_LENGTH) return invalid('too long');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return invalid('not a compact JWS');
  const [header, payload, signature] = parts as [string, string, string];
  const key = keys.byHeader(header);
  if (key === undefined) return invalid('unknown header or kid');
  const expected = Buffer.from(sign(key.key, `${header}.${payload}`), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return invalid('bad signature');
  return { payload, signature };
}

function isEpochs(value: unknown): value is Record<string, number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((e) => Number.isSafeInteger(e) && (e as number) >= 0)
  );
}

/** Step 4: well-formed claims (the signature is ours, so this guards against our own bugs and old formats). */
function readClaims(payload: string): Claims | TokenRefusal {
  let c: TokenClaims;
  try {
    c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
  } catch {
    return invalid('payload is not JSON');
  }
  if (typeof c !== 'object' || c === null) return invalid('payload is not an object');
  if (c.iss !== TOKEN_ISSUER || c.aud !== TOKEN_AUDIENCE) return invalid('wrong issuer or audience');
  if (typeof c.sub !== 'string' || typeof c.jti !== 'string' || typeof c.scope !== 'string')
    return invalid('claims');
  if (!Number.isSafeInteger(c.iat) || !Number.isSafeInteger(c.exp)) return invalid('times');
  if (c.exp <= c.iat || (c.exp - c.iat) * 1000 > MAX_TOKEN_TTL_MS) return invalid('lifetime over 24 h');
  if (c.pc?.v !== 1 || !isEpochs(c.pc.ep)) return invalid('pc claims');
  const scopes = parseScopes(c.scope.split(' '));
  const compiled = compileConstraints(c.pc.con);
  if (!scopes.ok || !compiled.ok) return invalid('scopes or constraints');
  const constraints = compiled.constraints;
  if (!constraints.source.accounts.every((a) => Object.hasOwn(c.pc.ep, a))) return invalid('epoch missing');
  return Object.freeze({
    tokenId: c.jti,
    userId: c.sub,
    accountIds: constraints.source.accounts,
    scopes: scopes.scopes,
    constraints,
    apiKeyId: typeof c.pc.key === 'string' ? c.pc.key : undefined,
    ipRanges: constraints.source.ipAllowlist,
    issuedAt: c.iat * 1000,
    expiresAt: c.exp * 1000,
    epochs: Object.freeze(c.pc.ep),
  });
}

/** Steps 5–7: time, binding and revocation against the caller's in-memory state. */
function checkLive(t: Claims, options: VerifyTokenOptions): TokenRefusal | undefined {
  if (t.issuedAt > options.now + ISSUED_AT_LEEWAY_S * 1000) return invalid('issued in the future');
  if (options.now >= t.expiresAt) {
    return refuse('TOKEN_EXPIRED', { expiredAt: new Date(t.expiresAt).toISOString() });
  }
  if (t.apiKeyId !== undefined && t.apiKeyId !== options.presentedKeyId) return refuse('TOKEN_KEY_MISMATCH');
  if (options.isRevoked?.(t.tokenId)) return refuse('TOKEN_REVOKED', {}, { reason: 'token id revoked' });
  for (const accountId of t.accountIds) {
    const current = options.currentEpoch(accountId);
    // An unknown account fails closed: the map may be stale, never permissive.
    if (current === undefined || t.epochs[accountId]! < current) {
      return refuse('TOKEN_REVOKED', {}, { reason: 'credential epoch bumped', accountId });
    }
  }
  return undefined;
}

/** Verifies a delegated token without I/O. */
export function verifyDelegatedToken(
  keys: DelegatedTokenKeys,
  token: string,
  options: VerifyTokenOptions,
): DelegatedToken | TokenRefusal {
  const authentic = authenticate(keys, token);
  if ('ok' in authentic) return authentic;
  let claims = keys.remembered(authentic.signature);
  if (claims === undefined) {
    const read = readClaims(authentic.payload);
    if ('ok' in read) return read;
    keys.remember(authentic.signature, read);
    claims = read;
  }
  return checkLive(claims, options) ?? { ok: true, ...claims };
}
