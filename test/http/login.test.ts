import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ALL_DBS } from '../support/databases.ts';
import {
  createUser,
  type Harness,
  loginBearer,
  PASSWORD,
  startFlow,
  startHarness,
  submitPassword,
} from '../support/harness.ts';

for (const db of ALL_DBS) {
  describe(`password sign-in over HTTP on ${db.kind}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({
        db,
        env: { PORTCULLIS_LOGIN_FREE_FAILURES: '3', PORTCULLIS_LOGIN_MAX_FAILURES: '6' },
      });
      await createUser(h, 'alice');
    });
    after(() => h.close());

    test('a started flow is in state password, offers the password method and expires in 10 minutes', async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'portal' },
      });
      assert.equal(res.statusCode, 201);
      const flow = res.json();
      assert.equal(flow.state, 'password');
      assert.deepEqual(flow.methods, ['password']);
      assert.equal(Date.parse(flow.expiresAt) - h.clock.now, 600_000);
      const again = await h.app.inject({ method: 'GET', url: `/api/v1/login/flows/${flow.id}` });
      assert.deepEqual(again.json(), flow);
    });

    test('the portal gets an HttpOnly, Secure, SameSite=Strict __Host- cookie and a CSRF token, never a token in the body', async () => {
      const res = await submitPassword(h, await startFlow(h, 'portal'), 'alice', PASSWORD);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.flow.state, 'complete');
      assert.equal(body.session.token, undefined);
      assert.match(body.session.csrfToken, /^[0-9a-f]{43}$/);
      const cookie = res.cookies.find((c) => c.name === '__Host-pc_session');
      assert.ok(cookie);
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, 'Strict');
      assert.equal(cookie.path, '/');
      assert.equal(cookie.domain, undefined);
      assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/);
    });

    test('mobile and desktop get a bearer token with its expiry and assurance level', async () => {
      const res = await submitPassword(h, await startFlow(h, 'desktop'), 'ALICE@example.com', PASSWORD);
      assert.equal(res.statusCode, 200);
      const { session } = res.json();
      assert.match(session.token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(session.aal, 1);
      assert.equal(res.cookies.length, 0);
    });

    test('an unknown login name and a wrong password get the same status and body', async () => {
      const unknown = await submitPassword(h, await startFlow(h), 'mallory-unknown', 'whatever password 1');
      const wrong = await submitPassword(h, await startFlow(h), 'alice', 'whatever password 1');
      assert.equal(unknown.statusCode, 401);
      assert.equal(wrong.statusCode, 401);
      const strip = (b: { error: { requestId?: string } }) => ({ ...b.error, requestId: undefined });
      assert.deepEqual(strip(unknown.json()), strip(wrong.json()));
      assert.equal(unknown.json().error.code, 'INVALID_CREDENTIALS');
    });

    test('a completed flow cannot be replayed', async () => {
      const flowId = await startFlow(h, 'mobile');
      assert.equal((await submitPassword(h, flowId, 'alice', PASSWORD)).statusCode, 200);
      const replay = await submitPassword(h, flowId, 'alice', PASSWORD);
      assert.equal(replay.statusCode, 409);
      assert.equal(replay.json().error.code, 'FLOW_STATE_INVALID');
    });

    test('a flow fails after five wrong passwords and then refuses even the right one', async () => {
      await createUser(h, 'fiona');
      const flowId = await startFlow(h, 'portal', '198.51.100.20');
      for (let i = 0; i < 5; i++) {
        h.clock.advance(60_000);
        assert.equal(
          (await submitPassword(h, flowId, `nobody-${i}`, 'wrong password here', '198.51.100.20')).statusCode,
          401,
        );
      }
      const state = await h.app.inject({ method: 'GET', url: `/api/v1/login/flows/${flowId}` });
      assert.equal(state.json().state, 'failed');
      const res = await submitPassword(h, flowId, 'fiona', PASSWORD, '198.51.100.20');
      assert.equal(res.json().error.code, 'FLOW_FAILED');
    });

    test('a flow expires after 10 minutes and answers FLOW_EXPIRED with how to restart', async () => {
      const flowId = await startFlow(h);
      h.clock.advance(600_001);
      const res = await submitPassword(h, flowId, 'alice', PASSWORD);
      assert.equal(res.statusCode, 410);
      assert.equal(res.json().error.code, 'FLOW_EXPIRED');
      assert.equal(res.json().error.details.restart, 'POST /api/v1/login/flows');
      const state = await h.app.inject({ method: 'GET', url: `/api/v1/login/flows/${flowId}` });
      assert.equal(state.json().state, 'expired');
    });

    test('a bearer session works on /me, and the portal cookie is refused as a bearer token', async () => {
      const token = await loginBearer(h, 'mobile');
      const me = await h.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().user.loginName, 'alice');
      assert.equal(me.json().session.interface, 'mobile');
      const portal = await submitPassword(h, await startFlow(h, 'portal'), 'alice', PASSWORD);
      const cookie = portal.cookies.find((c) => c.name === '__Host-pc_session')!.value;
      const misuse = await h.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${cookie}` },
      });
      assert.equal(misuse.statusCode, 401);
    });
  });
}

describe('throttling and locking', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      env: {
        PORTCULLIS_LOGIN_FREE_FAILURES: '2',
        PORTCULLIS_LOGIN_MAX_FAILURES: '4',
        PORTCULLIS_LOGIN_IP_PER_MINUTE: '1000',
      },
    });
    await createUser(h, 'bob');
  });

  async function attempt(identifier: string, password: string) {
    const res = await submitPassword(h, await startFlow(h), identifier, password);
    return {
      status: res.statusCode,
      code: res.json().error?.code as string | undefined,
      retry: res.headers['retry-after'],
    };
  }

  test('after the free failures each further attempt must wait a growing delay, for known and unknown names alike', async () => {
    for (const name of ['bob', 'nobody-at-all']) {
      assert.equal((await attempt(name, 'wrong wrong wrong')).code, 'INVALID_CREDENTIALS');
      assert.equal((await attempt(name, 'wrong wrong wrong')).code, 'INVALID_CREDENTIALS');
      const throttled = await attempt(name, 'wrong wrong wrong');
      assert.deepEqual(throttled, { status: 429, code: 'LOGIN_THROTTLED', retry: '1' });
      h.clock.advance(1000);
      assert.equal((await attempt(name, 'wrong wrong wrong')).code, 'INVALID_CREDENTIALS');
      assert.equal((await attempt(name, 'wrong wrong wrong')).retry, '2');
    }
    await h.close();
  });

  test('the lock at the maximum looks exactly like a wrong password, even with the right one, until an administrator unlocks', async () => {
    for (let i = 0; i < 4; i++) {
      h.clock.advance(10 * 60_000);
      assert.equal((await attempt('bob', 'wrong wrong wrong')).code, 'INVALID_CREDENTIALS');
    }
    const user = await h.services.identity.findUser('bob');
    assert.equal(user.status, 'locked');
    h.clock.advance(60 * 60_000);
    assert.deepEqual(await attempt('bob', PASSWORD), {
      status: 401,
      code: 'INVALID_CREDENTIALS',
      retry: undefined,
    });
    await h.services.identity.setStatus(user.id, 'active', 'verified by phone', { interface: 'cli' });
    assert.equal((await attempt('bob', PASSWORD)).status, 200);
    const events = await h.services.audit.query({ userId: user.id, limit: 50 });
    assert.ok(events.some((e) => e.name === 'user.locked' && e.reason === 'too_many_failed_sign_ins'));
    assert.ok(events.some((e) => e.name === 'login.failed' && e.reason === 'USER_LOCKED'));
    await h.close();
  });

  test('a successful sign-in resets the consecutive-failure count', async () => {
    await attempt('bob', 'wrong wrong wrong');
    assert.equal((await attempt('bob', PASSWORD)).status, 200);
    await attempt('bob', 'wrong wrong wrong');
    assert.equal((await attempt('bob', 'wrong wrong wrong')).code, 'INVALID_CREDENTIALS');
    await h.close();
  });

  test('a client IP over its per-minute budget is refused with RATE_LIMITED and Retry-After', async () => {
    await h.close();
    h = await startHarness({ env: { PORTCULLIS_LOGIN_IP_PER_MINUTE: '3' } });
    await createUser(h, 'bob');
    for (let i = 0; i < 3; i++) assert.equal((await attempt(`user${i}`, 'wrong wrong wrong')).status, 401);
    const limited = await attempt('bob', PASSWORD);
    assert.equal(limited.code, 'RATE_LIMITED');
    assert.ok(Number(limited.retry) >= 1);
    await h.close();
  });
});
