import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ALL_DBS } from '../../support/databases.ts';
import { loginBearer } from '../../support/harness.ts';
import {
  ACC_A,
  type CredHarness,
  createKey,
  ORDER,
  signed,
  startCredHarness,
  strongBearer,
} from './support.ts';

const DAY = 86_400_000;
const paperA = { accounts: [ACC_A], environment: 'paper' };

for (const db of ALL_DBS) {
  describe(`API keys over HTTP (${db.kind})`, () => {
    let h: CredHarness;
    let auth: Record<string, string>;
    before(async () => {
      h = await startCredHarness({ db });
    });
    beforeEach(async () => {
      auth = await strongBearer(h, h.userId);
    });
    after(() => h.close());

    test('creating a key from a password-only session answers STEP_UP_REQUIRED and stores nothing', async () => {
      const weak = await loginBearer(h, 'desktop');
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: { authorization: `Bearer ${weak}` },
        payload: { name: 'x', kind: 'hmac', scopes: ['trade'], constraints: paperA },
      });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().error.code, 'STEP_UP_REQUIRED');
      assert.equal(res.json().error.details.requirement.aal, 2);
      assert.equal((await h.services.store.db.selectFrom('api_keys').selectAll().execute()).length, 0);
    });

    test('an HMAC key shows its secret once, stores it sealed, and signs requests that succeed', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: { name: 'reader', kind: 'hmac', scopes: ['account:read'], constraints: paperA },
      });
      assert.equal(res.statusCode, 201);
      const { key, secret } = res.json();
      assert.match(secret, /^pcs_/);
      assert.equal(key.status, 'active');
      const rows = await h.services.store.db
        .selectFrom('api_key_secrets')
        .selectAll()
        .where('key_id', '=', key.id)
        .execute();
      assert.equal(rows.length, 1);
      assert.ok(!rows[0]!.sealed_secret!.includes(secret.slice(4)), 'the secret is not stored in clear');
      const listed = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: auth });
      assert.ok(!listed.body.includes(secret), 'the listing never shows the secret');
      const { prepareHmacKey } = await import('../../../src/credentials/signing.ts');
      const ok = await signed(
        h,
        { id: key.id, kind: 'hmac', signer: prepareHmacKey(secret) },
        'GET',
        `/api/v1/test/accounts/${ACC_A}/positions`,
      );
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { kind: 'api_key', userId: h.userId, credentialId: key.id });
    });

    test('last use, its address and the usage counters are shown to the owner', async () => {
      const key = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      await signed(h, key, 'GET', `/api/v1/test/accounts/${ACC_A}/positions`, undefined, {
        ip: '198.51.100.77',
      });
      await signed(h, key, 'GET', `/api/v1/test/accounts/${ACC_A}/positions`, undefined, {
        ip: '198.51.100.77',
      });
      await signed(h, key, 'POST', `/api/v1/test/accounts/${ACC_A}/orders`, ORDER);
      const view = (
        await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${key.id}`, headers: auth })
      ).json();
      assert.equal(view.useCount, 2);
      assert.equal(view.deniedCount, 1);
      assert.equal(view.lastUsedIp, '198.51.100.77');
      assert.equal(view.lastUsedAt, new Date(h.clock.now).toISOString());
    });

    test('an Ed25519 key keeps only the public key and verifies a signed order body', async () => {
      const key = await createKey(h, auth, { kind: 'ed25519', scopes: ['trade'], constraints: paperA });
      const rows = await h.services.store.db
        .selectFrom('api_key_secrets')
        .selectAll()
        .where('key_id', '=', key.id)
        .execute();
      assert.equal(rows[0]!.sealed_secret, null);
      assert.match(rows[0]!.public_key!, /BEGIN PUBLIC KEY/);
      const res = await signed(h, key, 'POST', `/api/v1/test/accounts/${ACC_A}/orders?dryRun=false`, ORDER);
      assert.equal(res.statusCode, 200, res.body);
    });

    test('a key without the public key of its kind is refused with PUBLIC_KEY_INVALID', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: {
          name: 'x',
          kind: 'ed25519',
          scopes: ['trade'],
          constraints: paperA,
          publicKey: 'not a key',
        },
      });
      assert.equal(res.json().error.code, 'PUBLIC_KEY_INVALID');
    });

    test('a live trading key without an IP allowlist cannot live beyond 30 days', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: {
          name: 'x',
          kind: 'hmac',
          scopes: ['trade'],
          constraints: { accounts: [ACC_A], environment: 'live' },
          expiresAt: new Date(h.clock.now + 31 * DAY).toISOString(),
        },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error.code, 'EXPIRY_INVALID');
      const byDefault = await h.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: auth,
        payload: {
          name: 'x',
          kind: 'hmac',
          scopes: ['trade'],
          constraints: { accounts: [ACC_A], environment: 'live' },
        },
      });
      assert.equal(byDefault.json().key.expiresAt, new Date(h.clock.now + 30 * DAY).toISOString());
    });

    test('rotation keeps the old secret valid through the grace window, then only the new one works', async () => {
      const old = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/api-keys/${old.id}/rotate`,
        headers: auth,
        payload: { graceSeconds: 3600 },
      });
      assert.equal(res.statusCode, 200, res.body);
      const { prepareHmacKey } = await import('../../../src/credentials/signing.ts');
      const fresh = { ...old, signer: prepareHmacKey(res.json().secret) };
      const url = `/api/v1/test/accounts/${ACC_A}/positions`;
      assert.equal((await signed(h, old, 'GET', url)).statusCode, 200);
      assert.equal((await signed(h, fresh, 'GET', url)).statusCode, 200);
      h.clock.advance(3600_000);
      const late = await signed(h, old, 'GET', url);
      assert.equal(late.statusCode, 401);
      assert.equal(late.json().error.code, 'CREDENTIAL_EXPIRED');
      assert.equal((await signed(h, fresh, 'GET', url)).statusCode, 200);
    });

    test('revocation takes effect at once and answers CREDENTIAL_REVOKED', async () => {
      const key = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      const url = `/api/v1/test/accounts/${ACC_A}/positions`;
      assert.equal((await signed(h, key, 'GET', url)).statusCode, 200);
      const del = await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: auth });
      assert.equal(del.statusCode, 204);
      const res = await signed(h, key, 'GET', url);
      assert.equal(res.json().error.code, 'CREDENTIAL_REVOKED');
      const rotate = await h.app.inject({
        method: 'POST',
        url: `/api/v1/api-keys/${key.id}/rotate`,
        headers: auth,
        payload: {},
      });
      assert.equal(rotate.json().error.code, 'API_KEY_NOT_ACTIVE');
    });

    test('revoking needs no step-up: a password-only session may do it', async () => {
      const key = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      const weak = await loginBearer(h, 'desktop');
      const del = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/api-keys/${key.id}`,
        headers: { authorization: `Bearer ${weak}` },
      });
      assert.equal(del.statusCode, 204);
    });

    test('the per-key kill switch suspends the key until its owner resumes it from a fresh session', async () => {
      const key = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      const url = `/api/v1/test/accounts/${ACC_A}/positions`;
      const kill = await h.app.inject({
        method: 'POST',
        url: `/api/v1/api-keys/${key.id}/kill`,
        headers: auth,
      });
      assert.equal(kill.json().status, 'suspended');
      assert.equal((await signed(h, key, 'GET', url)).json().error.code, 'CREDENTIAL_SUSPENDED');
      const resume = await h.app.inject({
        method: 'POST',
        url: `/api/v1/api-keys/${key.id}/resume`,
        headers: auth,
      });
      assert.equal(resume.json().status, 'active');
      assert.equal((await signed(h, key, 'GET', url)).statusCode, 200);
    });

    test('a key cannot create, rotate or revoke keys: ACTION_NOT_DELEGABLE, nothing changes', async () => {
      const key = await createKey(h, auth, {
        scopes: ['trade', 'kill', 'account:read'],
        constraints: paperA,
      });
      const before = (await h.services.store.db.selectFrom('api_keys').selectAll().execute()).length;
      const create = await signed(h, key, 'POST', '/api/v1/api-keys', {
        name: 'y',
        kind: 'hmac',
        scopes: ['trade'],
        constraints: paperA,
      });
      assert.equal(create.statusCode, 403);
      assert.equal(create.json().error.code, 'ACTION_NOT_DELEGABLE');
      const del = await signed(h, key, 'DELETE', `/api/v1/api-keys/${key.id}`);
      assert.equal(del.json().error.code, 'ACTION_NOT_DELEGABLE');
      const mint = await signed(h, key, 'POST', '/api/v1/delegated-tokens', {
        scopes: ['trade'],
        constraints: paperA,
      });
      assert.equal(mint.json().error.code, 'ACTION_NOT_DELEGABLE');
      assert.equal((await h.services.store.db.selectFrom('api_keys').selectAll().execute()).length, before);
      const view = (
        await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${key.id}`, headers: auth })
      ).json();
      assert.equal(view.status, 'active');
    });

    test('another user cannot see, rotate or revoke my key', async () => {
      const key = await createKey(h, auth, { scopes: ['account:read'], constraints: paperA });
      const bob = await h.services.identity.createUser({
        loginName: `bob${db.kind}`,
        email: `bob-${db.kind}@example.com`,
        password: 'correct horse battery staple 42',
        isAdmin: false,
      });
      const bobAuth = await strongBearer(h, bob.id);
      for (const [method, url] of [
        ['GET', `/api/v1/api-keys/${key.id}`],
        ['DELETE', `/api/v1/api-keys/${key.id}`],
        ['POST', `/api/v1/api-keys/${key.id}/kill`],
      ] as const) {
        const res = await h.app.inject({ method, url, headers: bobAuth });
        assert.equal(res.json().error.code, 'API_KEY_NOT_FOUND', `${method} ${url}`);
      }
    });
  });
}
