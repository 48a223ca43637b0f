import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { dec } from '../../src/trading/decimal.ts';
import {
  createUser,
  type Harness,
  loginBearer,
  loginPortal,
  type PortalSession,
  startFlow,
  startHarness,
} from '../support/harness.ts';

interface Route {
  method: string;
  path: string;
}

/**
 * Random bodies, headers, query strings and path parameters against every
 * route of the OpenAPI document: never a 5xx, always the error shape on 4xx,
 * and a rejected request leaves the business state as it was. Counters that
 * exist to record rejections (audit events, failed-attempt counters, a flow's
 * attempt count) are expected to move and are left out of the comparison.
 */
describe('property: every route survives hostile input', () => {
  let h: Harness;
  let routes: Route[];
  let portal: PortalSession;
  let bearer: string;
  let flowId: string;
  let sessionId: string;
  let userId: string;
  let accountId: string;

  before(async () => {
    h = await startHarness({ env: { PORTCULLIS_LOGIN_IP_PER_MINUTE: '100000' } });
    userId = (await createUser(h, 'alice', { isAdmin: true })).id;
    portal = await loginPortal(h);
    bearer = await loginBearer(h, 'mobile');
    sessionId = (
      await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${bearer}` } })
    ).json().session.id;
    flowId = await startFlow(h);
    // A funded account of the caller, so account routes reach their handlers with a real id too.
    accountId = (
      await h.services.trading.accounts.open(
        { ownerUserId: userId, entityId: 'ent_us', name: 'fuzzed', permissions: { stocks: true } },
        {},
      )
    ).id;
    await h.services.trading.funds.deposit(accountId, dec('100000'), {});
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
    );
  });
  after(() => h.close());

  async function snapshot(): Promise<string> {
    const db = h.services.store.db;
    const users = await db.selectFrom('users').selectAll().orderBy('id').execute();
    const sessions = await db
      .selectFrom('sessions')
      .select(['id', 'token_hash', 'revoked_at', 'aal', 'user_id'])
      .orderBy('id')
      .execute();
    const flows = await db
      .selectFrom('login_flows')
      .select(['id', 'state', 'user_id', 'session_id'])
      .orderBy('id')
      .execute();
    // Every domain's business state: factors, devices, accounts and their members, orders, payees,
    // withdrawals, API keys, delegated tokens and credential epochs.
    const more = await Promise.all([
      db.selectFrom('authn_factors').select(['id', 'status']).orderBy('id').execute(),
      db.selectFrom('devices').select(['id', 'state', 'name', 'revoked_at']).orderBy('id').execute(),
      db.selectFrom('accounts').select(['id', 'status', 'trading_state', 'limits']).orderBy('id').execute(),
      db.selectFrom('account_members').selectAll().orderBy('account_id').orderBy('user_id').execute(),
      db.selectFrom('orders').select(['id', 'status']).orderBy('id').execute(),
      db.selectFrom('payees').select(['id', 'name']).orderBy('id').execute(),
      db.selectFrom('withdrawals').select(['id', 'status']).orderBy('id').execute(),
      db.selectFrom('api_keys').select(['id', 'status', 'revoked_at']).orderBy('id').execute(),
      db.selectFrom('delegated_tokens').select(['id', 'revoked_at']).orderBy('id').execute(),
      db.selectFrom('credential_epochs').selectAll().execute(),
    ]);
    return JSON.stringify({ users, sessions, flows, more });
  }

  const junk = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '',
      '..',
      '%00',
      'ses_xxxxxxxxxxxxxxxxxxxxxx',
      '__proto__',
      "' or 1=1 --",
      'a'.repeat(300),
    ),
    fc.integer().map(String),
  );

  const request = () =>
    fc.record({
      route: fc.integer({ min: 0, max: 10_000 }),
      params: fc.array(fc.oneof(junk, fc.constant('REAL')), { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(fc.constantFrom('limit', 'before', 'name', 'userId', 'after', 'x'), junk, {
        maxKeys: 3,
      }),
      body: fc.oneof(
        fc.constant(undefined),
        fc.json(),
        fc.object(),
        fc.record(
          { interface: junk, identifier: junk, password: junk, keepCurrent: fc.anything() },
          { requiredKeys: [] },
        ),
      ),
      auth: fc.constantFrom('none', 'portal', 'portal-no-csrf', 'bearer', 'garbage'),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        undefined,
      ),
    });

  test('no 5xx, the error shape on every 4xx, and rejected requests change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(request(), async (r) => {
        const route = routes[r.route % routes.length]!;
        let i = 0;
        const real = (name: string) =>
          name === 'id' && route.path.includes('login/flows')
            ? flowId
            : // Not for event streams: a stream of a real account stays open by design.
              name === 'id' && route.path.startsWith('/api/v1/accounts/') && !route.path.endsWith('/stream')
              ? accountId
              : route.path.includes('users')
                ? userId
                : sessionId;
        const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
          const p = r.params[i++] ?? '';
          return p === 'REAL' ? real(name) : encodeURIComponent(p);
        });
        const qs = new URLSearchParams(r.query).toString();
        const headers: Record<string, string> = {};
        if (r.auth === 'portal') Object.assign(headers, portal.headers);
        if (r.auth === 'portal-no-csrf') headers.cookie = portal.headers.cookie!;
        if (r.auth === 'bearer') headers.authorization = `Bearer ${bearer}`;
        if (r.auth === 'garbage') headers.authorization = 'Bearer ???';
        const hasBody = r.body !== undefined && !['GET', 'HEAD', 'DELETE'].includes(route.method);
        if (hasBody && r.contentType) headers['content-type'] = r.contentType;
        const before = await snapshot();
        const res = await h.app.inject({
          method: route.method as 'GET',
          url: qs ? `${path}?${qs}` : path,
          headers,
          ...(hasBody ? { payload: typeof r.body === 'string' ? r.body : JSON.stringify(r.body) } : {}),
        });
        assert.ok(res.statusCode < 500, `${route.method} ${path} → ${res.statusCode} ${res.body}`);
        if (res.statusCode >= 400) {
          const err = res.json().error;
          assert.match(err.code, /^[A-Z][A-Z0-9_]+$/);
          assert.equal(typeof err.message, 'string');
          assert.equal(await snapshot(), before, `${route.method} ${path} → ${res.statusCode} changed state`);
        } else if (res.statusCode < 300) {
          // An accepted request may have ended our sessions (logout, revoke-all): sign in again.
          const alive = await h.app.inject({
            method: 'GET',
            url: '/api/v1/me',
            headers: { authorization: `Bearer ${bearer}` },
          });
          if (alive.statusCode !== 200) {
            portal = await loginPortal(h);
            bearer = await loginBearer(h, 'mobile');
            sessionId = (
              await h.app.inject({
                method: 'GET',
                url: '/api/v1/me',
                headers: { authorization: `Bearer ${bearer}` },
              })
            ).json().session.id;
          }
          if (
            route.path.includes('/unlock') ||
            route.path.includes('/enable') ||
            route.path.includes('/lock') ||
            route.path.includes('/disable')
          ) {
            await h.services.identity.setStatus(userId, 'active', 'fuzz reset', {});
          }
        }
      }),
      { numRuns: 400, seed: Number(process.env['FUZZ_SEED'] ?? 20261122) },
    );
  });
});
