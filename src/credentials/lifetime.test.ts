import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkSecret,
  DEFAULT_GRACE_MS,
  isSecretValid,
  MAX_KEY_LIFETIME_MS,
  resolveExpiry,
  rotateSecret,
  secretStatus,
} from './constraints.ts';

const DAY = 86_400_000;
const now = Date.UTC(2026, 0, 5, 12);
const paper = { environment: 'paper' as const };
const liveOpen = { environment: 'live' as const };
const liveFenced = { environment: 'live' as const, ipAllowlist: ['203.0.113.0/24'] };

describe('key expiry rules', () => {
  test('a key without a requested expiry lives 90 days', () => {
    assert.deepEqual(resolveExpiry({ now, scopes: ['trade'], constraints: paper }), {
      ok: true,
      expiresAt: now + 90 * DAY,
    });
  });

  test('a key may live up to one year but not a millisecond more', () => {
    const scopes = ['account:read'];
    assert.equal(
      resolveExpiry({ now, requestedExpiresAt: now + MAX_KEY_LIFETIME_MS, scopes, constraints: paper }).ok,
      true,
    );
    const tooLong = resolveExpiry({
      now,
      requestedExpiresAt: now + MAX_KEY_LIFETIME_MS + 1,
      scopes,
      constraints: paper,
    });
    assert.equal(!tooLong.ok && tooLong.code, 'EXPIRY_INVALID');
  });

  test('a live trading key without an IP allowlist gets at most 30 days, by default too', () => {
    const byDefault = resolveExpiry({ now, scopes: ['trade'], constraints: liveOpen });
    assert.deepEqual(byDefault, { ok: true, expiresAt: now + 30 * DAY });
    const asked = resolveExpiry({
      now,
      requestedExpiresAt: now + 31 * DAY,
      scopes: ['trade'],
      constraints: liveOpen,
    });
    assert.equal(asked.ok, false);
    assert.match(String(!asked.ok && asked.details['reason']), /30 days/);
  });

  test('the 30-day cap lifts with an IP allowlist, in paper, or without the trade scope', () => {
    const long = now + 200 * DAY;
    assert.equal(
      resolveExpiry({ now, requestedExpiresAt: long, scopes: ['trade'], constraints: liveFenced }).ok,
      true,
    );
    assert.equal(
      resolveExpiry({ now, requestedExpiresAt: long, scopes: ['trade'], constraints: paper }).ok,
      true,
    );
    const reduceOnly = resolveExpiry({
      now,
      requestedExpiresAt: long,
      scopes: ['trade:reduce-only'],
      constraints: liveOpen,
    });
    assert.equal(reduceOnly.ok, true);
  });

  test('an expiry in the past, within the hour, or not an integer is refused', () => {
    for (const requestedExpiresAt of [now - 1, now + 60_000, now + 1.5 * DAY + 0.5]) {
      assert.equal(resolveExpiry({ now, requestedExpiresAt, scopes: [], constraints: paper }).ok, false);
    }
  });
});

describe('secret validity and rotation', () => {
  const secret = { expiresAt: now + 10 * DAY };

  test('a current secret is valid until the millisecond before its expiry', () => {
    assert.equal(isSecretValid(secret, now), true);
    assert.equal(isSecretValid(secret, secret.expiresAt - 1), true);
    assert.equal(isSecretValid(secret, secret.expiresAt), false);
  });

  test('after rotation the old secret works for 24 hours, then is expired', () => {
    const rotated = rotateSecret(secret, now);
    assert.equal(secretStatus(rotated, now + DEFAULT_GRACE_MS - 1), 'grace');
    assert.equal(isSecretValid(rotated, now + DEFAULT_GRACE_MS - 1), true);
    assert.equal(isSecretValid(rotated, now + DEFAULT_GRACE_MS), false);
    assert.equal(checkSecret(rotated, now + DEFAULT_GRACE_MS).ok, false);
  });

  test('a grace window never outlives the secret it belongs to', () => {
    const nearlyExpired = { expiresAt: now + 3_600_000 };
    assert.equal(rotateSecret(nearlyExpired, now).graceUntil, now + 3_600_000);
  });

  test('a grace of zero ends the old secret at once', () => {
    assert.equal(isSecretValid(rotateSecret(secret, now, 0), now), false);
  });

  test('rotating again can shorten the grace window but never extend it', () => {
    const first = rotateSecret(secret, now);
    const again = rotateSecret(first, now + 3_600_000);
    assert.equal(again.graceUntil, first.graceUntil);
    assert.equal(again.rotatedAt, now);
    assert.equal(rotateSecret(first, now + 1000, 0).graceUntil, now + 1000);
  });

  test('revocation ends a secret at once, even inside its grace window', () => {
    const revoked = { ...rotateSecret(secret, now), revokedAt: now + 1 };
    assert.equal(secretStatus(revoked, now + 1), 'revoked');
    assert.deepEqual(checkSecret(revoked, now + 1), { ok: false, code: 'CREDENTIAL_REVOKED', details: {} });
  });

  test('an expired secret answers CREDENTIAL_EXPIRED with when it ended', () => {
    const result = checkSecret(secret, secret.expiresAt);
    assert.equal(!result.ok && result.code, 'CREDENTIAL_EXPIRED');
    assert.equal(!result.ok && result.details['expiredAt'], new Date(secret.expiresAt).toISOString());
  });

  test('a grace window outside 0..7 days is a programming error', () => {
    assert.throws(() => rotateSecret(secret, now, -1), TypeError);
    assert.throws(() => rotateSecret(secret, now, 8 * DAY), TypeError);
  });
});
