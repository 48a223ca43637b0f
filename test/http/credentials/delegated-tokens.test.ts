import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ALL_DBS, postgresDb } from '../../support/databases.ts';
import { loginBearer } from '../../support/harness.ts';
import {
  ACC_A,
  ACC_B,
  type CredHarness,
  createKey,
  deniedEvents,
  ORDER,
  signed,
  startCredHarness,
  strongBearer,
} from './support.ts';

const paperA = { accounts: [ACC_A], environment: 'paper' };
const ordersA = `/api/v1/test/accounts/${ACC_A}/orders`;

async function mint(h: CredHarness, auth: Record<string, string>, body: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: '/api/v1/delegated-tokens', headers: auth, payload: body });
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

for (const db of ALL_DBS) {
  describe(`delegated tokens over HTTP (${db.kind})`, () => {
    let h: CredHarness;
    let auth: Record<string, string>;
    before(async () => {
      h = await startCredHarness({ db });
    });
    beforeEach(async () => {
      auth = await strongBearer(h, h.userId);
      h.hits.count = 0;
    });
    after(() => h.close());

    test('minting from a password-only session answers STEP_UP_REQUIRED', async () => {
      const weak = await loginBearer(h, 'desktop');
      const res = await mint(
        h,
        { authorization: `Bearer ${weak}` },
        { scopes: ['trade'], constraints: paperA },
      );
      assert.equal(res.json().error.code, 'STEP_UP_REQUIRED');
    });

    test('a minted token places orders within its scope and account, and nothing beyond', async () => {
      const res = await mint(h, auth, { scopes: ['trade'], constraints: paperA, ttlSeconds: 600 });
      assert.equal(res.statusCode, 201, res.body);
      const { token, delegatedToken } = res.json();
      assert.equal(delegatedToken.expiresAt, new Date(h.clock.now + 600_000).toISOString());
      const ok = await h.app.inject({ method: 'POST', url: ordersA, headers: bearer(token), payload: ORDER });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().kind, 'delegated');
      const read = await h.app.inject({
        method: 'GET',
        url: `/api/v1/test/accounts/${ACC_A}/positions`,
        headers: bearer(token),
      });
      assert.equal(read.json().error.code, 'SCOPE_INSUFFICIENT');
      const other = await h.app.inject({
        method: 'POST',
        url: `/api/v1/test/accounts/${ACC_B}/orders`,
        headers: bearer(token),
        payload: ORDER,
      });
      assert.equal(other.json().error.code, 'ACCOUNT_NOT_ALLOWED');
      const create = await h.app.inject({
        method: 'POST',
        url: '/api/v1/delegated-tokens',
        headers: bearer(token),
        payload: { scopes: ['trade'], constraints: paperA },
      });
      assert.equal(create.json().error.code, 'ACTION_NOT_DELEGABLE');
      assert.equal((await deniedEvents(h, 'delegated_token.denied')).at(-1)?.reason, 'ACTION_NOT_DELEGABLE');
    });

    test('a token lasting more than 24 hours is refused', async () => {
      const res = await mint(h, auth, { scopes: ['trade'], constraints: paperA, ttlSeconds: 86_401 });
      assert.equal(res.json().error.code, 'VALIDATION_FAILED');
    });

    test('a token expires with its lifetime: TOKEN_EXPIRED', async () => {
      const { token } = (
        await mint(h, auth, { scopes: ['trade'], constraints: paperA, ttlSeconds: 60 })
      ).json();
      h.clock.advance(60_000);
      const res = await h.app.inject({
        method: 'POST',
        url: ordersA,
        headers: bearer(token),
        payload: ORDER,
      });
      assert.equal(res.json().error.code, 'TOKEN_EXPIRED');
    });

    test('a forged or altered token answers TOKEN_INVALID', async () => {
      const { token } = (await mint(h, auth, { scopes: ['trade'], constraints: paperA })).json();
      const [head, payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.scope = 'trade kill';
      const forged = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
      const res = await h.app.inject({
        method: 'POST',
        url: ordersA,
        headers: bearer(forged),
        payload: ORDER,
      });
      assert.equal(res.json().error.code, 'TOKEN_INVALID');
      assert.equal(h.hits.count, 0);
    });

    test('a token bound to a key works only in requests signed by that key, within its scopes', async () => {
      const key = await createKey(h, auth, { scopes: ['trade', 'account:read'], constraints: paperA });
      const wider = await mint(h, auth, { scopes: ['kill'], constraints: paperA, apiKeyId: key.id });
      assert.equal(wider.json().error.code, 'SCOPE_INSUFFICIENT');
      const { token } = (
        await mint(h, auth, { scopes: ['trade'], constraints: paperA, apiKeyId: key.id })
      ).json();
      const alone = await h.app.inject({
        method: 'POST',
        url: ordersA,
        headers: bearer(token),
        payload: ORDER,
      });
      assert.equal(alone.json().error.code, 'TOKEN_KEY_MISMATCH');
      const together = await signed(h, key, 'POST', ordersA, ORDER, { headers: bearer(token) });
      assert.equal(together.statusCode, 200, together.body);
      assert.equal(together.json().kind, 'delegated');
      const narrower = await signed(h, key, 'GET', `/api/v1/test/accounts/${ACC_A}/positions`, undefined, {
        headers: bearer(token),
      });
      assert.equal(narrower.json().error.code, 'SCOPE_INSUFFICIENT', 'the token narrows the key');
    });

    test('revoking a token kills it at once; the owner lists it as revoked', async () => {
      const { token, delegatedToken } = (
        await mint(h, auth, { scopes: ['trade'], constraints: paperA })
      ).json();
      const del = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/delegated-tokens/${delegatedToken.id}`,
        headers: auth,
      });
      assert.equal(del.statusCode, 204);
      const res = await h.app.inject({
        method: 'POST',
        url: ordersA,
        headers: bearer(token),
        payload: ORDER,
      });
      assert.equal(res.json().error.code, 'TOKEN_REVOKED');
      const list = (
        await h.app.inject({ method: 'GET', url: '/api/v1/delegated-tokens', headers: auth })
      ).json();
      assert.equal(list.tokens.find((t: { id: string }) => t.id === delegatedToken.id).revoked, true);
    });

    test('the account kill switch suspends its keys and kills its tokens at once; other accounts keep working', async () => {
      const key = await createKey(h, auth, { scopes: ['trade'], constraints: paperA });
      const { token } = (await mint(h, auth, { scopes: ['trade'], constraints: paperA })).json();
      const { token: tokenB } = (
        await mint(h, auth, { scopes: ['trade'], constraints: { accounts: [ACC_B], environment: 'paper' } })
      ).json();
      const result = await h.services.credentials.suspendForAccount(ACC_A, 'kill_switch', {
        actorUserId: h.userId,
      });
      assert.ok(result.keys >= 1);
      assert.equal((await signed(h, key, 'POST', ordersA, ORDER)).json().error.code, 'CREDENTIAL_SUSPENDED');
      assert.equal(
        (await h.app.inject({ method: 'POST', url: ordersA, headers: bearer(token), payload: ORDER })).json()
          .error.code,
        'TOKEN_REVOKED',
      );
      const b = await h.app.inject({
        method: 'POST',
        url: `/api/v1/test/accounts/${ACC_B}/orders`,
        headers: bearer(tokenB),
        payload: ORDER,
      });
      assert.equal(b.statusCode, 200);
      const fresh = (await mint(h, auth, { scopes: ['trade'], constraints: paperA })).json();
      assert.equal(
        (await h.app.inject({ method: 'POST', url: ordersA, headers: bearer(fresh.token), payload: ORDER }))
          .statusCode,
        200,
        'a token minted after the bump works',
      );
    });
  });
}

describe('cross-node revocation (two nodes, one PostgreSQL database)', () => {
  let a: CredHarness;
  let b: CredHarness;
  let drop: () => Promise<void>;
  before(async () => {
    const opened = await postgresDb.open();
    drop = opened.drop;
    a = await startCredHarness({
      store: opened.store,
      keepStore: true,
      env: { PORTCULLIS_CREDENTIAL_CACHE_MS: '1000' },
    });
    // The second node shares the database but not the process: its own caches, its own clock.
    const { openStore } = await import('../../../src/store/index.ts');
    const { PG_URL } = await import('../../support/databases.ts');
    b = await startCredHarness({
      store: openStore(PG_URL, { searchPath: await currentSchema(a), poolSize: 2 }),
      env: { PORTCULLIS_CREDENTIAL_CACHE_MS: '1000' },
    });
  });
  after(async () => {
    await b.close();
    await a.close();
    await drop();
  });

  test('a kill switch on node A kills tokens and keys on node B within the cache bound', async () => {
    const auth = await strongBearer(a, a.userId);
    const key = await createKey(a, auth, { scopes: ['trade'], constraints: paperA });
    const { token } = (await mint(a, auth, { scopes: ['trade'], constraints: paperA })).json();
    assert.equal(
      (await b.app.inject({ method: 'POST', url: ordersA, headers: bearer(token), payload: ORDER }))
        .statusCode,
      200,
    );
    assert.equal((await signed(b, key, 'POST', ordersA, ORDER)).statusCode, 200);
    await a.services.credentials.suspendForAccount(ACC_A, 'kill_switch', {});
    b.clock.advance(1000);
    assert.equal(
      (await b.app.inject({ method: 'POST', url: ordersA, headers: bearer(token), payload: ORDER })).json()
        .error.code,
      'TOKEN_REVOKED',
    );
    assert.equal((await signed(b, key, 'POST', ordersA, ORDER)).json().error.code, 'CREDENTIAL_SUSPENDED');
  });

  test('a token revoked on node A is refused on node B within the cache bound', async () => {
    const auth = await strongBearer(a, a.userId);
    const { token, delegatedToken } = (
      await mint(a, auth, { scopes: ['trade'], constraints: paperA })
    ).json();
    assert.equal(
      (await b.app.inject({ method: 'POST', url: ordersA, headers: bearer(token), payload: ORDER }))
        .statusCode,
      200,
    );
    await a.app.inject({
      method: 'DELETE',
      url: `/api/v1/delegated-tokens/${delegatedToken.id}`,
      headers: auth,
    });
    b.clock.advance(1000);
    assert.equal(
      (await b.app.inject({ method: 'POST', url: ordersA, headers: bearer(token), payload: ORDER })).json()
        .error.code,
      'TOKEN_REVOKED',
    );
  });
});

async function currentSchema(h: CredHarness): Promise<string> {
  const { sql } = await import('kysely');
  const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(h.services.store.db);
  return rows[0]!.s;
}
