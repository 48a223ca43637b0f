/**
 * Credential lifetimes: how long a new key (or a new secret after rotation)
 * may live, and whether a secret is usable at a given time.
 *
 * - A key lives 90 days unless asked otherwise, at most one year.
 * - A `live` key with the `trade` scope and no IP allowlist lives at most
 *   30 days: the most dangerous kind of key is the shortest-lived.
 * - Rotation issues a new secret; the old one keeps working for a grace
 *   window (default 24 h, at most 7 days, never beyond its own expiry), so a
 *   bot can be redeployed without stopping. Revocation ends it at once.
 */
import { OK, type Ok, type Refusal, refuse } from './codes.ts';
import type { CredentialConstraints } from './constraints.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_KEY_LIFETIME_MS = 90 * DAY_MS;
export const MAX_KEY_LIFETIME_MS = 365 * DAY_MS;
export const UNRESTRICTED_LIVE_TRADE_MAX_MS = 30 * DAY_MS;
export const DEFAULT_GRACE_MS = 24 * HOUR_MS;
export const MAX_GRACE_MS = 7 * DAY_MS;
/** A key must live at least this long; shorter needs are what delegated tokens are for. */
export const MIN_KEY_LIFETIME_MS = HOUR_MS;

export interface LifetimeRequest {
  now: number;
  /** Unix ms asked for by the user; omitted means the default. */
  requestedExpiresAt?: number | undefined;
  scopes: readonly string[];
  constraints: Pick<CredentialConstraints, 'environment' | 'ipAllowlist'>;
}

/** The longest lifetime this kind of key may have. */
export function maxLifetimeMs(request: Pick<LifetimeRequest, 'scopes' | 'constraints'>): number {
  const { environment, ipAllowlist } = request.constraints;
  const unrestrictedLiveTrading =
    environment === 'live' &&
    request.scopes.includes('trade') &&
    (ipAllowlist === undefined || ipAllowlist.length === 0);
  return unrestrictedLiveTrading ? UNRESTRICTED_LIVE_TRADE_MAX_MS : MAX_KEY_LIFETIME_MS;
}

/** The expiry to store for a new key or secret, or EXPIRY_INVALID with the latest allowed expiry. */
export function resolveExpiry(
  request: LifetimeRequest,
): { ok: true; expiresAt: number } | Refusal<'EXPIRY_INVALID'> {
  const max = maxLifetimeMs(request);
  const latest = request.now + max;
  const requested = request.requestedExpiresAt;
  if (requested === undefined)
    return { ok: true, expiresAt: request.now + Math.min(DEFAULT_KEY_LIFETIME_MS, max) };
  const details = {
    earliestExpiresAt: new Date(request.now + MIN_KEY_LIFETIME_MS).toISOString(),
    maxExpiresAt: new Date(latest).toISOString(),
    ...(max === UNRESTRICTED_LIVE_TRADE_MAX_MS && {
      reason: 'live trading keys without an IP allowlist last 30 days',
    }),
  };
  if (
    !Number.isSafeInteger(requested) ||
    requested < request.now + MIN_KEY_LIFETIME_MS ||
    requested > latest
  ) {
    return refuse('EXPIRY_INVALID', details);
  }
  return { ok: true, expiresAt: requested };
}

/** The time facts of one secret of a key (all Unix ms). */
export interface SecretLifetime {
  expiresAt: number;
  /** When a newer secret replaced this one. */
  rotatedAt?: number | null;
  /** Set at rotation: the old secret works until then. */
  graceUntil?: number | null;
  revokedAt?: number | null;
}

export type SecretStatus = 'active' | 'grace' | 'expired' | 'revoked';

export function secretStatus(secret: SecretLifetime, now: number): SecretStatus {
  if (secret.revokedAt != null && secret.revokedAt <= now) return 'revoked';
  if (now >= secret.expiresAt) return 'expired';
  if (secret.rotatedAt != null && secret.rotatedAt <= now) {
    return secret.graceUntil != null && now < secret.graceUntil ? 'grace' : 'expired';
  }
  return 'active';
}

/** True while the secret is current or within its rotation grace window, not expired and not revoked. */
export function isSecretValid(secret: SecretLifetime, now: number): boolean {
  const status = secretStatus(secret, now);
  return status === 'active' || status === 'grace';
}

export function checkSecret(
  secret: SecretLifetime,
  now: number,
): Ok | Refusal<'CREDENTIAL_EXPIRED' | 'CREDENTIAL_REVOKED'> {
  const status = secretStatus(secret, now);
  if (status === 'revoked') return refuse('CREDENTIAL_REVOKED');
  if (status === 'expired')
    return refuse('CREDENTIAL_EXPIRED', { expiredAt: new Date(effectiveEnd(secret)).toISOString() });
  return OK;
}

function effectiveEnd(secret: SecretLifetime): number {
  return secret.rotatedAt != null
    ? Math.min(secret.graceUntil ?? secret.rotatedAt, secret.expiresAt)
    : secret.expiresAt;
}

/**
 * The old secret after a rotation at `now`: it stays valid for `graceMs`
 * (0 ends it at once), never beyond its own expiry, and a second rotation can
 * only shorten an existing grace window, never extend it.
 */
export function rotateSecret(
  secret: SecretLifetime,
  now: number,
  graceMs = DEFAULT_GRACE_MS,
): SecretLifetime {
  if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
    throw new TypeError(`graceMs must be an integer from 0 to ${MAX_GRACE_MS}, got ${graceMs}`);
  }
  const graceUntil = Math.min(now + graceMs, secret.expiresAt, secret.graceUntil ?? Number.POSITIVE_INFINITY);
  return { ...secret, rotatedAt: secret.rotatedAt ?? now, graceUntil };
}
