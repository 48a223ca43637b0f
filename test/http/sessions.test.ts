import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, type Harness, loginBearer, loginPortal, startHarness } from '../support/harness.ts';

describe('sessions', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createUser(h, 'alice');
    await createUser(h, 'root', { isAdmin: true });
  });
  after(() => h.close());

  const me = (headers: Record<string, string>) => h.app.inject({ method: 'GET', url: '/api/v1/me', headers });

  test('the portal idle limit slides with activity: 14 minutes idle is fine, 15 ends the session', async () => {
    const s = await loginPortal(h);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(14 * 60_000);
      assert.equal((await me(s.headers)).statusCode, 200);
    }
    h.clock.advance(15 * 60_000);
    const res = await me(s.headers);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'SESSION_EXPIRED');
    assert.equal((await me(s.headers)).json().error.code, 'UNAUTHENTICATED');
  });

  test('the absolute limit never extends, however active the session', async () => {
    const s = await loginPortal(h);
    for (let elapsed = 0; elapsed < 12 * 3600_000 - 10 * 60_000; elapsed += 10 * 60_000) {
      h.clock.advance(10 * 60_000);
      assert.equal((await me(s.headers)).statusCode, 200, `at ${elapsed}`);
    }
    h.clock.advance(10 * 60_000);
    assert.equal((await me(s.headers)).json().error.code, 'SESSION_EXPIRED');
  });

  test('state-changing cookie requests need the CSRF token; reads do not', async () => {
    const s = await loginPortal(h);
    const cookieOnly = { cookie: s.headers.cookie! };
    assert.equal((await me(cookieOnly)).statusCode, 200);
    const noCsrf = await h.app.inject({ method: 'POST', url: '/api/v1/logout', headers: cookieOnly });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'CSRF_FAILED');
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      headers: { ...cookieOnly, 'x-csrf-token': 'f'.repeat(43) },
    });
    assert.equal(wrong.json().error.code, 'CSRF_FAILED');
    assert.equal((await me(cookieOnly)).statusCode, 200, 'a refused request changes nothing');
    const ok = await h.app.inject({ method: 'POST', url: '/api/v1/logout', headers: s.headers });
    assert.equal(ok.statusCode, 204);
    assert.equal((await me(cookieOnly)).statusCode, 401);
  });

  test('the session list shows way in, IP, user agent and times, and marks the current one', async () => {
    const s = await loginPortal(h);
    await loginBearer(h, 'desktop');
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/sessions', headers: s.headers });
    const sessions = res.json().sessions as Array<Record<string, unknown>>;
    const current = sessions.filter((x) => x.current);
    assert.equal(current.length, 1);
    assert.equal(current[0]!.interface, 'portal');
    assert.ok(sessions.some((x) => x.interface === 'desktop'));
    for (const x of sessions)
      for (const k of ['ip', 'userAgent', 'createdAt', 'lastSeenAt', 'expiresAt']) assert.ok(k in x);
  });

  test('ending one session ends it at once; another user’s session id is not found', async () => {
    const s = await loginPortal(h);
    const desktop = await loginBearer(h, 'desktop');
    const desktopId = (await me({ authorization: `Bearer ${desktop}` })).json().session.id;
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${desktopId}`,
      headers: s.headers,
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await me({ authorization: `Bearer ${desktop}` })).statusCode, 401);
    const rootToken = await loginBearer(h, 'mobile', 'root');
    const rootSession = (await me({ authorization: `Bearer ${rootToken}` })).json().session.id;
    const other = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${rootSession}`,
      headers: s.headers,
    });
    assert.equal(other.statusCode, 404);
    assert.equal((await me({ authorization: `Bearer ${rootToken}` })).statusCode, 200);
  });

  test('log out everywhere can keep the current session', async () => {
    const s = await loginPortal(h);
    const mobile = await loginBearer(h, 'mobile');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/sessions/revoke-all',
      headers: s.headers,
      payload: { keepCurrent: true },
    });
    assert.equal(res.statusCode, 200);
    assert.ok(res.json().ended >= 1);
    assert.equal((await me({ authorization: `Bearer ${mobile}` })).statusCode, 401);
    assert.equal((await me(s.headers)).statusCode, 200);
    const all = await h.app.inject({
      method: 'POST',
      url: '/api/v1/sessions/revoke-all',
      headers: s.headers,
      payload: {},
    });
    assert.equal(all.statusCode, 200);
    assert.equal((await me(s.headers)).statusCode, 401);
  });

  test('changing the password needs the current one and can end the other sessions', async () => {
    await createUser(h, 'carol');
    const s = await loginPortal(h, 'carol');
    const other = await loginBearer(h, 'mobile', 'carol');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: s.headers,
      payload: { currentPassword: 'not it at all', newPassword: 'a brand new passphrase 7' },
    });
    assert.equal(bad.json().error.code, 'CURRENT_PASSWORD_INVALID');
    const weak = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: s.headers,
      payload: { currentPassword: 'correct horse battery staple 42', newPassword: 'password1234' },
    });
    assert.equal(weak.json().error.code, 'PASSWORD_COMMON');
    assert.equal((await me(s.headers)).statusCode, 200);
    h.clock.advance(60_000);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/me/password',
      headers: s.headers,
      payload: {
        currentPassword: 'correct horse battery staple 42',
        newPassword: 'a brand new passphrase 7',
        endOtherSessions: true,
      },
    });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().endedSessions, 1);
    assert.equal((await me({ authorization: `Bearer ${other}` })).statusCode, 401);
    const after = await me(s.headers);
    assert.equal(after.statusCode, 200);
    // The profile is served from the session cache, which a change to the user evicts at once.
    assert.equal(after.json().user.passwordChangedAt, new Date(h.clock.now).toISOString());
  });

  test('the principal a session resolves to is frozen: no request can alter it for the next one', async () => {
    const token = await loginBearer(h, 'desktop');
    const p = await h.services.sessions.authenticate(token, 'bearer');
    assert.equal(Object.isFrozen(p), true);
    assert.equal(Object.isFrozen(p.factors), true);
    assert.throws(() => {
      (p as { aal: number }).aal = 3;
    }, TypeError);
    assert.equal((await h.services.sessions.authenticate(token, 'bearer')).aal, p.aal);
    // The profile view is serialised once per principal and answered as JSON on every read.
    const first = await me({ authorization: `Bearer ${token}` });
    const again = await me({ authorization: `Bearer ${token}` });
    assert.match(String(again.headers['content-type']), /^application\/json/);
    assert.equal(again.body, first.body);
    assert.deepEqual(Object.keys(again.json()), ['user', 'session']);
    assert.equal(again.json().session.interface, 'desktop');
  });

  test('an administrator ends any session; a customer cannot reach admin routes', async () => {
    const alice = await loginPortal(h);
    const aliceSession = (await me(alice.headers)).json().session.id;
    const root = await loginPortal(h, 'root');
    const denied = await h.app.inject({ method: 'GET', url: '/api/v1/admin/users', headers: alice.headers });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'FORBIDDEN');
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/sessions/${aliceSession}`,
      headers: root.headers,
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await me(alice.headers)).statusCode, 401);
  });

  test('disabling a user ends all of their sessions at once', async () => {
    await createUser(h, 'dora');
    const a = await loginPortal(h, 'dora');
    const b = await loginBearer(h, 'mobile', 'dora');
    const c = await loginBearer(h, 'desktop', 'dora');
    const root = await loginPortal(h, 'root');
    const dora = await h.services.identity.findUser('dora');
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${dora.id}/disable`,
      headers: root.headers,
      payload: { reason: 'account closed' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'disabled');
    assert.equal((await me(a.headers)).statusCode, 401);
    assert.equal((await me({ authorization: `Bearer ${b}` })).statusCode, 401);
    assert.equal((await me({ authorization: `Bearer ${c}` })).statusCode, 401);
  });

  test('every sign-in issues a new token: two sign-ins never share one', async () => {
    const a = await loginBearer(h, 'mobile');
    const b = await loginBearer(h, 'mobile');
    assert.notEqual(a, b);
  });

  test('a session is issued with its audit events in one transaction: a failed claim writes neither', async () => {
    const alice = await h.services.identity.findUser('alice');
    const count = async (table: 'sessions' | 'audit_events') =>
      Number(
        (
          await h.services.store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { sessions: await count('sessions'), events: await count('audit_events') };
    const input = {
      userId: alice.id,
      interface: 'mobile' as const,
      factors: [{ method: 'password', at: h.clock.now }],
      aal: 1,
      deviceId: null,
      ip: '192.0.2.1',
      userAgent: 'test',
    };
    await assert.rejects(
      h.services.sessions.create(input, {}, [], async (trx) => {
        await trx.updateTable('users').set({ updated_at: 1 }).where('id', '=', alice.id).execute();
        throw new Error('claimed elsewhere');
      }),
      /claimed elsewhere/,
    );
    assert.deepEqual({ sessions: await count('sessions'), events: await count('audit_events') }, before);
    const row = await h.services.store.db
      .selectFrom('users')
      .select('updated_at')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.updated_at, 1, 'the claim rolled back too');
    const { token } = await h.services.sessions.create(input, {});
    assert.equal((await h.services.sessions.authenticate(token, 'bearer')).userId, alice.id);
    assert.deepEqual(
      { sessions: await count('sessions'), events: await count('audit_events') },
      { sessions: before.sessions + 1, events: before.events + 1 },
    );
  });
});
