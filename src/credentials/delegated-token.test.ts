import assert from 'node:assert/strict';
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { jwtVerify } from 'jose';
import { checkRequest } from './constraints.ts';
import {
  DelegatedTokenKeys,
  type MintInput,
  mintDelegatedToken,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  verifyDelegatedToken,
} from './delegated-token.ts';

const secret = randomBytes(32);
const keys = new DelegatedTokenKeys([{ kid: 'dt-2026-01', secret }]);
const now = Date.UTC(2026, 0, 5, 9);
const epochs = new Map([
  ['acc_1', 4],
  ['acc_2', 0],
]);
const currentEpoch = (id: string) => epochs.get(id);

const base: MintInput = {
  userId: 'usr_1',
  scopes: ['trade', 'orders:read'],
  constraints: {
    accounts: ['acc_1'],
    environment: 'live',
    assetClasses: ['forex'],
    ipAllowlist: ['203.0.113.0/24'],
  },
  ttlMs: 2 * 3_600_000,
  now,
  currentEpoch,
};

function mint(overrides: Partial<MintInput> = {}): string {
  const result = mintDelegatedToken(keys, { ...base, ...overrides });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.token;
}

function codeOf(result: { ok: boolean; code?: string }): string {
  return result.ok ? 'OK' : result.code!;
}

/** Re-signs a hand-made payload with the real key, to test claim checks behind a valid signature. */
function forge(claims: Record<string, unknown>, key = secret): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'pc-dt+jwt', kid: 'dt-2026-01' })).toString(
    'base64url',
  );
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

describe('minting and verifying delegated tokens', () => {
  test('a minted token verifies and carries user, accounts, scopes, constraints, expiry and epochs', () => {
    const result = verifyDelegatedToken(keys, mint(), { now: now + 1000, currentEpoch });
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.equal(result.userId, 'usr_1');
    assert.deepEqual(result.accountIds, ['acc_1']);
    assert.deepEqual(result.scopes, ['orders:read', 'trade']);
    assert.deepEqual(result.ipRanges, ['203.0.113.0/24']);
    assert.equal(result.expiresAt, now + 2 * 3_600_000);
    assert.deepEqual(result.epochs, { acc_1: 4 });
    assert.match(result.tokenId, /^dt_[A-Za-z0-9_-]{22}$/);
    assert.equal(
      checkRequest(result.constraints, { accountId: 'acc_1', environment: 'live', ip: '198.51.100.1' }).ok,
      false,
    );
  });

  test('the token is a standard HS256 JWT that a JOSE library accepts with the same key', async () => {
    const { payload, protectedHeader } = await jwtVerify(mint(), createSecretKey(secret), {
      algorithms: ['HS256'],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      typ: 'pc-dt+jwt',
      currentDate: new Date(now),
    });
    assert.equal(protectedHeader.kid, 'dt-2026-01');
    assert.equal(payload.sub, 'usr_1');
  });

  test('a lifetime above 24 hours or below a minute is refused at minting', () => {
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, ttlMs: 24 * 3_600_000 + 1 })), 'EXPIRY_INVALID');
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, ttlMs: 59_000 })), 'EXPIRY_INVALID');
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, ttlMs: 24 * 3_600_000 })), 'OK');
  });

  test('unknown scopes, invalid constraints and unknown accounts are refused at minting', () => {
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, scopes: ['withdraw'] })), 'SCOPE_UNKNOWN');
    assert.equal(
      codeOf(mintDelegatedToken(keys, { ...base, constraints: { accounts: ['acc_1'] } })),
      'CONSTRAINTS_INVALID',
    );
    const stranger = { accounts: ['acc_9'], environment: 'paper' };
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, constraints: stranger })), 'CONSTRAINTS_INVALID');
  });

  test('a token bound to an API key cannot carry scopes beyond that key', () => {
    const apiKey = { id: 'key_1', scopes: ['trade:reduce-only', 'orders:read'] };
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, apiKey })), 'SCOPE_INSUFFICIENT');
    assert.equal(codeOf(mintDelegatedToken(keys, { ...base, apiKey, scopes: ['trade:reduce-only'] })), 'OK');
  });
});

describe('refusals', () => {
  test('when_the_token_has_expired_then_TOKEN_EXPIRED', () => {
    const result = verifyDelegatedToken(keys, mint(), { now: now + 2 * 3_600_000, currentEpoch });
    assert.equal(codeOf(result), 'TOKEN_EXPIRED');
  });

  test('when_the_account_epoch_is_bumped_then_every_earlier_token_is_TOKEN_REVOKED_and_new_ones_work', () => {
    const before = mint();
    const bumped = (id: string) => (id === 'acc_1' ? 5 : epochs.get(id));
    assert.equal(codeOf(verifyDelegatedToken(keys, before, { now, currentEpoch: bumped })), 'TOKEN_REVOKED');
    const after = mint({ currentEpoch: bumped });
    assert.equal(codeOf(verifyDelegatedToken(keys, after, { now, currentEpoch: bumped })), 'OK');
  });

  test('a bump on any one of several accounts revokes the token', () => {
    const token = mint({ constraints: { accounts: ['acc_1', 'acc_2'], environment: 'paper' } });
    const bumped = (id: string) => (id === 'acc_2' ? 1 : epochs.get(id));
    assert.equal(codeOf(verifyDelegatedToken(keys, token, { now, currentEpoch: bumped })), 'TOKEN_REVOKED');
  });

  test('an account missing from the epoch map fails closed as TOKEN_REVOKED', () => {
    assert.equal(
      codeOf(verifyDelegatedToken(keys, mint(), { now, currentEpoch: () => undefined })),
      'TOKEN_REVOKED',
    );
  });

  test('an individually revoked token id is TOKEN_REVOKED', () => {
    const token = mint();
    const result = verifyDelegatedToken(keys, token, { now, currentEpoch, isRevoked: () => true });
    assert.equal(codeOf(result), 'TOKEN_REVOKED');
  });

  test('when_a_bound_token_arrives_with_another_key_or_none_then_TOKEN_KEY_MISMATCH', () => {
    const token = mint({ apiKey: { id: 'key_1', scopes: ['trade', 'orders:read'] } });
    assert.equal(
      codeOf(verifyDelegatedToken(keys, token, { now, currentEpoch, presentedKeyId: 'key_2' })),
      'TOKEN_KEY_MISMATCH',
    );
    assert.equal(codeOf(verifyDelegatedToken(keys, token, { now, currentEpoch })), 'TOKEN_KEY_MISMATCH');
    assert.equal(
      codeOf(verifyDelegatedToken(keys, token, { now, currentEpoch, presentedKeyId: 'key_1' })),
      'OK',
    );
  });

  test('a changed payload, signature or header is TOKEN_INVALID', () => {
    const [h, p, s] = mint().split('.') as [string, string, string];
    const widened = Buffer.from(
      Buffer.from(p, 'base64url').toString().replace('"forex"', '"option"'),
    ).toString('base64url');
    const noneHeader = Buffer.from(
      JSON.stringify({ alg: 'none', typ: 'pc-dt+jwt', kid: 'dt-2026-01' }),
    ).toString('base64url');
    for (const token of [
      `${h}.${widened}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}AA`,
      `${noneHeader}.${p}.`,
      `${h}.${p}`,
      'x'.repeat(9000),
      '',
    ]) {
      assert.equal(
        codeOf(verifyDelegatedToken(keys, token, { now, currentEpoch })),
        'TOKEN_INVALID',
        token.slice(0, 40),
      );
    }
  });

  test('a token signed by another server key ring is TOKEN_INVALID', () => {
    const other = new DelegatedTokenKeys([{ kid: 'dt-2026-01', secret: randomBytes(32) }]);
    assert.equal(codeOf(verifyDelegatedToken(other, mint(), { now, currentEpoch })), 'TOKEN_INVALID');
  });

  test('after a signing-key rotation, tokens of the previous key still verify until they expire', () => {
    const old = mint();
    const rotated = new DelegatedTokenKeys([
      { kid: 'dt-2026-02', secret: randomBytes(32) },
      { kid: 'dt-2026-01', secret },
    ]);
    assert.equal(codeOf(verifyDelegatedToken(rotated, old, { now, currentEpoch })), 'OK');
  });

  test('validly signed claims with a lifetime over 24 h, a foreign audience or no epochs are TOKEN_INVALID', () => {
    const good = {
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      sub: 'usr_1',
      jti: 'dt_x',
      iat: now / 1000,
      exp: now / 1000 + 3600,
      scope: 'trade',
      pc: { v: 1, con: { accounts: ['acc_1'], environment: 'live' }, ep: { acc_1: 4 } },
    };
    assert.equal(codeOf(verifyDelegatedToken(keys, forge(good), { now, currentEpoch })), 'OK');
    for (const bad of [
      { ...good, exp: good.iat + 24 * 3600 + 1 },
      { ...good, aud: 'someone-else' },
      { ...good, pc: { ...good.pc, ep: {} } },
      { ...good, scope: 'trade withdraw' },
      { ...good, iat: good.iat + 60 },
    ]) {
      assert.equal(codeOf(verifyDelegatedToken(keys, forge(bad), { now, currentEpoch })), 'TOKEN_INVALID');
    }
  });

  test('a signing secret shorter than 32 bytes or an empty key ring is a programming error', () => {
    assert.throws(() => new DelegatedTokenKeys([{ kid: 'k', secret: randomBytes(16) }]), TypeError);
    assert.throws(() => new DelegatedTokenKeys([]), TypeError);
  });
});
