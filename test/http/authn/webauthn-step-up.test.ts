import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentTotp, enrollTotp, loginPortalTotp, portalFrom } from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import {
  createUser,
  type Harness,
  loginPortal,
  PASSWORD,
  type PortalSession,
  startHarness,
} from '../../support/harness.ts';
import { SoftAuthenticator } from '../../support/soft-authenticator.ts';

const ORIGIN = 'http://localhost:8080';

async function registerKey(h: Harness, portal: PortalSession, key: SoftAuthenticator) {
  const start = await h.app.inject({
    method: 'POST',
    url: '/api/v1/factors/webauthn/enrollments',
    headers: portal.headers,
    payload: { label: 'YubiKey' },
  });
  assert.equal(start.statusCode, 201, start.body);
  const response = await key.register(start.json().options, { origin: ORIGIN });
  return h.app.inject({
    method: 'POST',
    url: `/api/v1/factors/webauthn/enrollments/${start.json().id}/confirm`,
    headers: portal.headers,
    payload: { response },
  });
}

async function passwordStep(h: Harness) {
  const f = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login/flows',
    payload: { interface: 'portal' },
  });
  await h.app.inject({
    method: 'POST',
    url: `/api/v1/login/flows/${f.json().id}/password`,
    payload: { identifier: 'alice', password: PASSWORD },
  });
  return f.json().id as string;
}

for (const db of ALL_DBS) {
  describe(`security keys and step-up over HTTP on ${db.kind}`, () => {
    let h: Harness;
    let secret: string;
    const key = new SoftAuthenticator();
    before(async () => {
      h = await startHarness({ db });
      await createUser(h);
      secret = (await enrollTotp(h, await loginPortal(h))).secret;
    });
    after(() => h.close());

    it('adding a security key needs a fresh AAL2 session; a stale one is asked to step up', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      h.clock.advance(6 * 60_000);
      const stale = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/webauthn/enrollments',
        headers: portal.headers,
        payload: {},
      });
      assert.equal(stale.json().error.code, 'STEP_UP_REQUIRED');
      assert.deepEqual(stale.json().error.details.requirement, {
        aal: 2,
        maxAgeSeconds: 300,
        methods: ['totp', 'webauthn', 'push'],
        reason: 'security changes need a very recent second factor other than SMS',
      });
    });

    it('step-up reuses the login flow with purpose step_up: success rotates the token and the old cookie dies', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      h.clock.advance(6 * 60_000);
      const flow = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        headers: portal.headers,
        payload: { interface: 'portal', purpose: 'step_up', action: 'add_factor' },
      });
      assert.equal(flow.statusCode, 201, flow.body);
      assert.equal(flow.json().state, 'second_factor');
      assert.deepEqual(flow.json().methods, ['totp']);
      const stranger = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${flow.json().id}/totp`,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(
        stranger.json().error.code,
        'FORBIDDEN',
        'a step-up flow completes only from its own session',
      );
      h.clock.advance(30_000);
      const done = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${flow.json().id}/totp`,
        headers: portal.headers,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(done.statusCode, 200, done.body);
      const fresh = portalFrom(done);
      assert.notEqual(fresh.cookie, portal.cookie);
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: portal.headers })).statusCode,
        401,
      );
      const res = await registerKey(h, fresh, key);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().factor.method, 'webauthn');
      h.clock.advance(30_000);
    });

    it('a hardware-bound key with user verification signs in at AAL3; a wrong origin is refused and audited', async () => {
      const id = await passwordStep(h);
      const options = (
        await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${id}/webauthn/options` })
      ).json();
      const phished = await key.authenticate(options, { origin: 'https://evil.example' });
      const bad = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/webauthn`,
        payload: { response: phished },
      });
      assert.equal(bad.json().error.code, 'WEBAUTHN_REJECTED');
      assert.equal(bad.json().error.details.reason, 'WEBAUTHN_ORIGIN_MISMATCH');
      const good = await key.authenticate(options, { origin: ORIGIN });
      const ok = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/webauthn`,
        payload: { response: good },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().session.aal, 3);
    });

    it('a replayed assertion is refused (the challenge was for another flow)', async () => {
      const id = await passwordStep(h);
      const options = (
        await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${id}/webauthn/options` })
      ).json();
      const assertion = await key.authenticate(options, { origin: ORIGIN });
      assert.equal(
        (
          await h.app.inject({
            method: 'POST',
            url: `/api/v1/login/flows/${id}/webauthn`,
            payload: { response: assertion },
          })
        ).statusCode,
        200,
      );
      const other = await passwordStep(h);
      await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${other}/webauthn/options` });
      const replay = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${other}/webauthn`,
        payload: { response: assertion },
      });
      assert.equal(replay.json().error.details.reason, 'WEBAUTHN_CHALLENGE_MISMATCH');
    });

    it('a signature counter that goes backwards flags the key as a possible clone and refuses it from then on', async () => {
      const id = await passwordStep(h);
      const options = (
        await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${id}/webauthn/options` })
      ).json();
      key.signCount = 0;
      key.counterStep = 0;
      const cloned = await key.authenticate(options, { origin: ORIGIN });
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/webauthn`,
        payload: { response: cloned },
      });
      assert.equal(res.json().error.code, 'WEBAUTHN_CLONE_SUSPECTED');
      const flagged = await h.services.store.db
        .selectFrom('audit_events')
        .select('name')
        .where('name', '=', 'factor.flagged')
        .execute();
      assert.equal(flagged.length, 1);
    });

    it('removing a factor needs fresh AAL2 and the last second factor cannot be removed', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      const list = (
        await h.app.inject({ method: 'GET', url: '/api/v1/factors', headers: portal.headers })
      ).json().factors;
      const totp = list.find((f: { method: string }) => f.method === 'totp');
      const webauthn = list.find((f: { method: string }) => f.method === 'webauthn');
      const del = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/factors/${webauthn.id}`,
        headers: portal.headers,
      });
      assert.equal(del.statusCode, 204);
      const last = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/factors/${totp.id}`,
        headers: portal.headers,
      });
      assert.equal(last.json().error.code, 'LAST_FACTOR');
    });
  });
}
