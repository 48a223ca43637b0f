import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentTotp, DEVICE_COOKIE, enrollTotp, loginPortalTotp } from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import { createUser, type Harness, loginPortal, startHarness } from '../../support/harness.ts';

async function events(h: Harness, name: string) {
  return h.services.store.db.selectFrom('audit_events').selectAll().where('name', '=', name).execute();
}

for (const db of ALL_DBS) {
  describe(`TOTP, recovery codes and set-up sessions over HTTP on ${db.kind}`, () => {
    let h: Harness;
    let secret: string;
    let recoveryCodes: string[];
    before(async () => {
      h = await startHarness({ db });
      await createUser(h);
    });
    after(() => h.close());

    it('a user without a second factor signs in with the password alone into a restricted set-up session (AAL1)', async () => {
      const portal = await loginPortal(h);
      const me = (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: portal.headers })).json();
      assert.equal(me.session.aal, 1);
      const regen = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/recovery-codes',
        headers: portal.headers,
      });
      assert.equal(regen.statusCode, 403);
      assert.equal(regen.json().error.code, 'STEP_UP_REQUIRED');
      assert.equal(regen.json().error.details.requirement.aal, 2);
    });

    it('the set-up session enrols TOTP (otpauth URI and QR), confirms it with a code and receives ten recovery codes once', async () => {
      const portal = await loginPortal(h);
      const start = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/totp/enrollments',
        headers: portal.headers,
        payload: {},
      });
      assert.equal(start.statusCode, 201);
      assert.match(start.json().uri, /^otpauth:\/\/totp\/Portcullis:alice\?/);
      assert.match(start.json().qr.pngDataUrl, /^data:image\/png;base64,/);
      const bad = await h.app.inject({
        method: 'POST',
        url: `/api/v1/factors/totp/enrollments/${start.json().id}/confirm`,
        headers: portal.headers,
        payload: { code: '000000' },
      });
      assert.equal(bad.json().error.code, 'TOTP_INVALID');
      // the seed is stored sealed, never in clear
      const row = await h.services.store.db
        .selectFrom('authn_factors')
        .selectAll()
        .where('id', '=', start.json().id)
        .executeTakeFirstOrThrow();
      assert.ok(!row.sealed_data.includes(start.json().secret));
      const enrolled = await enrollTotp(h, portal);
      secret = enrolled.secret;
      recoveryCodes = enrolled.recoveryCodes;
      assert.equal(recoveryCodes.length, 10);
    });

    it('sign-in now stops at second_factor; a wrong code is refused, audited and counted; the right one gives AAL2 and a device cookie', async () => {
      const flow = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'portal' },
      });
      const id = flow.json().id;
      const pw = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/password`,
        payload: { identifier: 'alice', password: 'correct horse battery staple 42' },
      });
      assert.equal(pw.json().flow.state, 'second_factor');
      assert.deepEqual(pw.json().flow.methods.sort(), ['recovery_code', 'totp']);
      assert.equal(pw.json().session, undefined);
      const rejectedBefore = (await events(h, 'factor.rejected')).length;
      const wrong = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/totp`,
        payload: { code: '123456' },
      });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().error.code, 'TOTP_INVALID');
      assert.equal((await events(h, 'factor.rejected')).length, rejectedBefore + 1);
      const ok = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/totp`,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().session.aal, 2);
      assert.ok(ok.cookies.some((c) => c.name === DEVICE_COOKIE));
      assert.ok((await events(h, 'device.added')).length >= 1);
      // the same code again, in another flow: replay
      const again = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'portal' },
      });
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${again.json().id}/password`,
        payload: { identifier: 'alice', password: 'correct horse battery staple 42' },
      });
      const replay = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${again.json().id}/totp`,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(replay.json().error.code, 'TOTP_REPLAYED');
      const alerts = await h.services.authn.notifier.list(
        (await h.services.identity.users.findByIdentifier('alice'))!.id,
      );
      assert.ok(alerts.some((a) => a.kind === 'totp_replayed'));
      h.clock.advance(30_000);
    });

    it('a recovery code signs in once and alerts the owner; the same code is then refused', async () => {
      const code = recoveryCodes[0]!;
      const run = async () => {
        const f = await h.app.inject({
          method: 'POST',
          url: '/api/v1/login/flows',
          payload: { interface: 'desktop' },
        });
        await h.app.inject({
          method: 'POST',
          url: `/api/v1/login/flows/${f.json().id}/password`,
          payload: { identifier: 'alice', password: 'correct horse battery staple 42' },
        });
        return h.app.inject({
          method: 'POST',
          url: `/api/v1/login/flows/${f.json().id}/recovery-code`,
          payload: { code: code.toUpperCase() },
        });
      };
      const first = await run();
      assert.equal(first.statusCode, 200);
      assert.equal(first.json().session.aal, 2);
      const second = await run();
      assert.equal(second.json().error.code, 'RECOVERY_CODE_USED');
      const alerts = await h.services.authn.notifier.list(
        (await h.services.identity.users.findByIdentifier('alice'))!.id,
      );
      assert.ok(alerts.some((a) => a.kind === 'recovery_code_used' && a.body.includes('9 codes remain')));
    });

    it('five wrong codes fail the flow; the account-wide guessing limit then refuses further codes', async () => {
      const f = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'portal' },
      });
      const id = f.json().id;
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/password`,
        payload: { identifier: 'alice', password: 'correct horse battery staple 42' },
      });
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (
            await h.app.inject({
              method: 'POST',
              url: `/api/v1/login/flows/${id}/totp`,
              payload: { code: '000001' },
            })
          ).json().error.code,
        );
      }
      assert.deepEqual(codes.slice(0, 4), ['TOTP_INVALID', 'TOTP_INVALID', 'TOTP_INVALID', 'TOTP_INVALID']);
      const after5 = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/totp`,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(after5.json().error.code, 'FLOW_FAILED');
      // more failures in fresh flows reach the per-account limit (10 per hour)
      let last = '';
      for (let i = 0; i < 8; i++) {
        const g = await h.app.inject({
          method: 'POST',
          url: '/api/v1/login/flows',
          payload: { interface: 'portal' },
        });
        await h.app.inject({
          method: 'POST',
          url: `/api/v1/login/flows/${g.json().id}/password`,
          payload: { identifier: 'alice', password: 'correct horse battery staple 42' },
        });
        last = (
          await h.app.inject({
            method: 'POST',
            url: `/api/v1/login/flows/${g.json().id}/totp`,
            payload: { code: '000001' },
          })
        ).json().error.code;
      }
      assert.equal(last, 'FACTOR_GUESS_LIMIT');
      h.clock.advance(3_600_000);
    });

    it('a browser still holding a revoked session cookie can sign in again', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/sessions/revoke-all',
        headers: portal.headers,
        payload: {},
      });
      const f = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        headers: portal.headers,
        payload: { interface: 'portal' },
      });
      const id = f.json().id;
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/password`,
        headers: portal.headers,
        payload: { identifier: 'alice', password: 'correct horse battery staple 42' },
      });
      const ok = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/totp`,
        headers: portal.headers,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      h.clock.advance(30_000);
    });

    it('remember this device skips the second factor on that browser, but never satisfies freshness', async () => {
      const first = await loginPortalTotp(h, secret, { remember: true });
      h.clock.advance(10 * 60_000);
      const second = await loginPortalTotp(h, secret, { deviceCookie: first.deviceCookie! });
      assert.equal(second.res.json().flow.state, 'complete');
      assert.equal(second.res.json().session.aal, 2);
      const me = (
        await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: second.portal.headers })
      ).json();
      assert.deepEqual(
        me.session.factors.map((f: { method: string }) => f.method),
        ['password', 'remembered_device'],
      );
      const regen = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/recovery-codes',
        headers: second.portal.headers,
      });
      assert.equal(regen.json().error.code, 'STEP_UP_REQUIRED');
    });
  });
}
