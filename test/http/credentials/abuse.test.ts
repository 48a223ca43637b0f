import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ALL_DBS } from '../../support/databases.ts';
import {
  ACC_A,
  ACC_B,
  type CredHarness,
  createKey,
  deniedEvents,
  ORDER,
  signed,
  signHeaders,
  startCredHarness,
  strongBearer,
  type TestKey,
} from './support.ts';

const paperA = { accounts: [ACC_A], environment: 'paper' };
const ordersA = `/api/v1/test/accounts/${ACC_A}/orders`;

/** Each abuse answers its stable code, is audited, never reaches the handler, and changes nothing. */
for (const db of ALL_DBS) {
  describe(`abuse of program credentials (${db.kind})`, () => {
    let h: CredHarness;
    let auth: Record<string, string>;
    let trader: TestKey;
    before(async () => {
      h = await startCredHarness({ db, env: { PORTCULLIS_API_KEY_RATE_BURST: '1000' } });
      auth = await strongBearer(h, h.userId);
      trader = await createKey(h, auth, { scopes: ['trade', 'account:read'], constraints: paperA });
    });
    beforeEach(() => {
      h.hits.count = 0;
    });
    after(() => h.close());

    async function refused(
      res: { statusCode: number; json(): { error?: { code: string } } },
      code: string,
      status: number,
    ) {
      assert.equal(res.json().error?.code, code);
      assert.equal(res.statusCode, status);
      assert.equal(h.hits.count, 0, 'the handler never ran');
      const events = await deniedEvents(h);
      assert.equal(events.at(-1)?.reason, code, 'the refusal is audited with its code');
    }

    test('a missing or malformed signing header answers SIGNATURE_MISSING', async () => {
      const headers = signHeaders(trader, 'GET', ordersA, undefined, h.clock.now);
      await refused(
        await h.app.inject({ method: 'GET', url: ordersA, headers: { ...headers, 'pc-nonce': 'short' } }),
        'SIGNATURE_MISSING',
        401,
      );
      const { 'pc-signature': _, ...unsigned } = headers;
      await refused(
        await h.app.inject({ method: 'GET', url: ordersA, headers: { ...unsigned, 'pc-signature': '!!!' } }),
        'SIGNATURE_MISSING',
        401,
      );
    });

    test('a signature over another path, body or secret answers INVALID_SIGNATURE', async () => {
      await refused(
        await signed(h, trader, 'POST', ordersA, ORDER, {
          signedPath: `/api/v1/test/accounts/${ACC_B}/orders`,
        }),
        'INVALID_SIGNATURE',
        401,
      );
      const headers = signHeaders(trader, 'POST', ordersA, JSON.stringify(ORDER), h.clock.now);
      const tampered = await h.app.inject({
        method: 'POST',
        url: ordersA,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ ...ORDER, quantity: '1000' }),
      });
      await refused(tampered, 'INVALID_SIGNATURE', 401);
    });

    test('an unknown key id answers INVALID_SIGNATURE, like a wrong signature', async () => {
      await refused(
        await signed(h, { ...trader, id: 'pk_paper_AAAAAAAAAAAAAAAAAAAAAA' }, 'GET', ordersA),
        'INVALID_SIGNATURE',
        401,
      );
    });

    test('a timestamp outside the window answers TIMESTAMP_OUT_OF_WINDOW with the server time', async () => {
      const res = await signed(h, trader, 'GET', ordersA, undefined, { timestamp: h.clock.now - 6000 });
      await refused(res, 'TIMESTAMP_OUT_OF_WINDOW', 401);
      assert.equal(res.json().error.details.serverTime, h.clock.now);
      assert.equal(res.json().error.details.skewMs, -6000);
    });

    test('a replayed nonce answers REPLAYED_REQUEST', async () => {
      const first = await signed(h, trader, 'GET', ordersA, undefined, { nonce: 'bm9uY2UtcmVwbGF5' });
      assert.equal(first.statusCode, 403, 'orders:read is not granted, but the nonce is now used');
      h.hits.count = 0;
      await refused(
        await signed(h, trader, 'GET', ordersA, undefined, { nonce: 'bm9uY2UtcmVwbGF5' }),
        'REPLAYED_REQUEST',
        401,
      );
    });

    test('a scope the key lacks answers SCOPE_INSUFFICIENT with the scopes that would grant it', async () => {
      const res = await signed(h, trader, 'GET', ordersA);
      await refused(res, 'SCOPE_INSUFFICIENT', 403);
      assert.deepEqual(res.json().error.details.requiredScopes, ['orders:read']);
      const reader = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      await refused(await signed(h, reader, 'POST', ordersA, ORDER), 'SCOPE_INSUFFICIENT', 403);
    });

    test('a key for account A used on account B answers ACCOUNT_NOT_ALLOWED', async () => {
      await refused(
        await signed(h, trader, 'POST', `/api/v1/test/accounts/${ACC_B}/orders`, ORDER),
        'ACCOUNT_NOT_ALLOWED',
        403,
      );
    });

    test('a live key on the paper environment answers ENVIRONMENT_MISMATCH', async () => {
      const live = await createKey(h, auth, {
        scopes: ['trade'],
        constraints: { accounts: [ACC_A], environment: 'live', ipAllowlist: ['198.51.100.0/24'] },
      });
      await refused(await signed(h, live, 'POST', ordersA, ORDER), 'ENVIRONMENT_MISMATCH', 403);
    });

    test('an address outside the IP allowlist answers IP_NOT_ALLOWED (IPv4 and IPv6)', async () => {
      const fenced = await createKey(h, auth, {
        scopes: ['trade'],
        constraints: { ...paperA, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] },
      });
      await refused(
        await signed(h, fenced, 'POST', ordersA, ORDER, { ip: '198.51.100.20' }),
        'IP_NOT_ALLOWED',
        403,
      );
      await refused(
        await signed(h, fenced, 'POST', ordersA, ORDER, { ip: '2001:db9::1' }),
        'IP_NOT_ALLOWED',
        403,
      );
      assert.equal((await signed(h, fenced, 'POST', ordersA, ORDER, { ip: '10.1.2.3' })).statusCode, 200);
      assert.equal((await signed(h, fenced, 'POST', ordersA, ORDER, { ip: '2001:db8::7' })).statusCode, 200);
    });

    test('withdrawing or adding a payee with a key answers ACTION_NOT_DELEGABLE whatever its scopes', async () => {
      const all = await createKey(h, auth, {
        scopes: ['account:read', 'orders:read', 'trade', 'trade:reduce-only', 'kill', 'market-data'],
        constraints: paperA,
      });
      await refused(
        await signed(h, all, 'POST', `/api/v1/test/accounts/${ACC_A}/withdrawals`, { amount: '1' }),
        'ACTION_NOT_DELEGABLE',
        403,
      );
      await refused(
        await signed(h, all, 'POST', `/api/v1/test/accounts/${ACC_A}/payees`, { iban: 'x' }),
        'ACTION_NOT_DELEGABLE',
        403,
      );
    });

    test('an expired key answers CREDENTIAL_EXPIRED', async () => {
      const shortLived = await createKey(h, auth, {
        scopes: ['trade'],
        constraints: paperA,
        expiresAt: new Date(h.clock.now + 2 * 3600_000).toISOString(),
      });
      h.clock.advance(2 * 3600_000);
      await refused(await signed(h, shortLived, 'POST', ordersA, ORDER), 'CREDENTIAL_EXPIRED', 401);
      auth = await strongBearer(h, h.userId);
    });
  });
}

// The limiter holds no stored state, so one database suffices (and a second harness per PostgreSQL
// process would share Kysely's migration-lock lookup across schemas).
describe('per-credential rate limit', () => {
  test('a key over its rate limit answers RATE_LIMITED with Retry-After', async () => {
    const limited = await startCredHarness({
      env: { PORTCULLIS_API_KEY_RATE_BURST: '2', PORTCULLIS_API_KEY_RATE_PER_SECOND: '1' },
    });
    try {
      const key = await createKey(limited, await strongBearer(limited, limited.userId), {
        scopes: ['trade'],
        constraints: paperA,
      });
      assert.equal((await signed(limited, key, 'POST', ordersA, ORDER)).statusCode, 200);
      assert.equal((await signed(limited, key, 'POST', ordersA, ORDER)).statusCode, 200);
      const res = await signed(limited, key, 'POST', ordersA, ORDER);
      assert.equal(res.statusCode, 429);
      assert.equal(res.json().error.code, 'RATE_LIMITED');
      assert.equal(res.headers['retry-after'], '1');
      limited.clock.advance(1000);
      assert.equal((await signed(limited, key, 'POST', ordersA, ORDER)).statusCode, 200);
    } finally {
      await limited.close();
    }
  });
});
