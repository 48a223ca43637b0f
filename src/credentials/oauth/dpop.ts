/**
 * DPoP proofs (RFC 9449 §4.3, §7.1) for access tokens bound to a key, checked
 * on the API with `jose` (no hand-written crypto):
 *
 *   typ `dpop+jwt`, an asymmetric alg from the allowlist, a public `jwk` in the
 *   header, a valid signature with it → `ath` is the access token's hash →
 *   the jwk's SHA-256 thumbprint is the token's `cnf.jkt` → `htm`/`htu` are this
 *   request → `iat` within the receive window → `jti` unseen for this token.
 *
 * The replay cache is written last, so only a proof that passed every other
 * check can spend a `jti`.
 */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors, type JWK, jwtVerify } from 'jose';
import type { NonceCache } from '../../limits/nonce-cache.ts';
import { OK, type Ok, type Refusal, refuse } from '../codes.ts';

/** Asymmetric algorithms accepted for proofs (never `none` or an HMAC). */
export const DPOP_ALGS = ['ES256', 'EdDSA', 'Ed25519', 'PS256', 'RS256'] as const;
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

export type DpopCode =
  | 'DPOP_REQUIRED'
  | 'DPOP_PROOF_INVALID'
  | 'DPOP_KEY_MISMATCH'
  | 'DPOP_PROOF_MISMATCH'
  | 'DPOP_PROOF_STALE'
  | 'DPOP_PROOF_REPLAYED';

/** The refusal with the `WWW-Authenticate` challenge RFC 9449 §7.1 asks for. */
export function dpopRefusal(code: DpopCode, reason: string): Refusal & { headers: Record<string, string> } {
  const error =
    code === 'DPOP_REQUIRED' || code === 'DPOP_KEY_MISMATCH' ? 'invalid_token' : 'invalid_dpop_proof';
  return {
    ...refuse(code, {}, { reason }),
    headers: { 'www-authenticate': `DPoP error="${error}", algs="${DPOP_ALGS.join(' ')}"` },
  };
}

/** base64url(SHA-256(access token)), the proof's `ath`. */
export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

export interface DpopCheck {
  /** The `DPoP` header(s) as received. */
  proof: string | string[] | undefined;
  method: string;
  /** The request's URL without query and fragment, on the public origin. */
  htu: string;
  accessToken: string;
  /** The thumbprint the token is bound to (`cnf.jkt`). */
  jkt: string;
}

export async function verifyDpopProof(
  check: DpopCheck,
  options: { now: number; windowMs: number; nonces: NonceCache },
): Promise<Ok | Refusal> {
  const { proof } = check;
  if (typeof proof !== 'string' || proof.length === 0)
    return dpopRefusal('DPOP_PROOF_INVALID', Array.isArray(proof) ? 'several proofs' : 'no proof');
  if (proof.length > MAX_PROOF_LENGTH) return dpopRefusal('DPOP_PROOF_INVALID', 'proof too long');
  let header: { jwk?: JWK };
  let claims: Record<string, unknown>;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGS],
      currentDate: new Date(options.now),
    });
    header = verified.protectedHeader as { jwk?: JWK };
    claims = verified.payload as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof errors.JOSEError ? error.code : 'malformed';
    return dpopRefusal('DPOP_PROOF_INVALID', reason);
  }
  const { htm, htu, iat, jti, ath } = claims;
  if (
    typeof htm !== 'string' ||
    typeof htu !== 'string' ||
    typeof iat !== 'number' ||
    typeof jti !== 'string' ||
    jti.length === 0 ||
    jti.length > MAX_JTI_LENGTH ||
    typeof ath !== 'string'
  )
    return dpopRefusal('DPOP_PROOF_INVALID', 'missing claim');
  if (ath !== accessTokenHash(check.accessToken)) return dpopRefusal('DPOP_PROOF_INVALID', 'ath');
  if ((await calculateJwkThumbprint(header.jwk!, 'sha256')) !== check.jkt)
    return dpopRefusal('DPOP_KEY_MISMATCH', 'jkt');
  if (htm !== check.method || !sameUrl(htu, check.htu))
    return dpopRefusal('DPOP_PROOF_MISMATCH', htm !== check.method ? 'htm' : 'htu');
  if (Math.abs(options.now - iat * 1000) > options.windowMs) return dpopRefusal('DPOP_PROOF_STALE', 'iat');
  const fresh = await options.nonces.checkAndStore(`dpop:${check.jkt}:${ath}`, jti, 2 * options.windowMs);
  if (!fresh) return dpopRefusal('DPOP_PROOF_REPLAYED', 'jti');
  return OK;
}

/** RFC 9449 §4.3: compare without query and fragment, after syntax-based normalisation. */
function sameUrl(sent: string, expected: string): boolean {
  try {
    const url = new URL(sent);
    url.search = '';
    url.hash = '';
    return url.href === new URL(expected).href;
  } catch {
    return false;
  }
}
