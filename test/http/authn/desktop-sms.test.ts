import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deviceIdFromPublicKey } from '../../../src/devices/device-keys.ts';
import {
  currentTotp,
  enrollDevice,
  enrollTotp,
  lastSmsCode,
  loginPortalTotp,
  loginWithDevice,
  portalFrom,
} from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import { createUser, type Harness, loginPortal, PASSWORD, startHarness } from '../../support/harness.ts';
import { SoftDevice } from '../../support/soft-device.ts';

for (const db of ALL_DBS) {
  describe(`desktop device certificate and clock skew over HTTP on ${db.kind}`, () => {
    let h: Harness;
    let secret: string;
    let desktop: { device: SoftDevice; keyId: string; deviceId: string };
    before(async () => {
      h = await startHarness({ db });
      await createUser(h);
      secret = (await enrollTotp(h, await loginPortal(h))).secret;
    });
    after(() => h.close());

    it('a desktop key must be Ed25519, and an enrolment code works once', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      const p256 = await SoftDevice.create({ algorithm: 'P-256' });
      await assert.rejects(enrollDevice(h, portal, 'desktop', p256), /DEVICE_KEY_UNSUPPORTED/);
      desktop = await enrollDevice(h, portal, 'desktop');
      const created = (
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/factors/desktop/enrollments',
          headers: portal.headers,
        })
      ).json();
      const other = await SoftDevice.create({ algorithm: 'Ed25519' });
      const keyId = deviceIdFromPublicKey(other.publicKeyPem);
      const claim = async () =>
        h.app.inject({
          method: 'POST',
          url: `/api/v1/factors/desktop/enrollments/${created.id}/confirm`,
          payload: {
            code: created.code,
            publicKey: other.publicKeyPem,
            name: 'Other',
            proof: await other.proveDevice({
              challenge: created.code,
              deviceId: keyId,
              timestamp: h.clock.now,
            }),
          },
        });
      assert.equal((await claim()).statusCode, 201);
      assert.equal((await claim()).json().error.code, 'ENROLLMENT_CODE_INVALID');
    });

    it('sign-in: password, then the device signs the challenge, then a second factor; the session is bound to the device', async () => {
      const { flowId, res } = await loginWithDevice(h, 'desktop', desktop.device, desktop.keyId);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().flow.state, 'second_factor');
      const done = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${flowId}/totp`,
        payload: { code: currentTotp(h, secret) },
      });
      assert.equal(done.statusCode, 200, done.body);
      h.clock.advance(30_000);
      const me = (
        await h.app.inject({
          method: 'GET',
          url: '/api/v1/sessions',
          headers: { authorization: `Bearer ${done.json().session.token}` },
        })
      ).json();
      assert.ok(
        me.sessions.some(
          (s: { current: boolean; deviceId: string | null }) => s.current && s.deviceId === desktop.deviceId,
        ),
      );
    });

    it('a clock 3 min 12 s behind answers CLOCK_SKEW saying so, not "invalid credentials"', async () => {
      const { res } = await loginWithDevice(h, 'desktop', desktop.device, desktop.keyId, -192_000);
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'CLOCK_SKEW');
      assert.equal(
        res.json().error.message,
        "Your computer's clock is 3 min 12 s behind; correct it and sign in again.",
      );
      assert.equal(res.json().error.details.skewMs, -192_000);
    });

    it('a proof signed by another key is refused and audited; the flow counts the attempt', async () => {
      const impostor = await SoftDevice.create({ algorithm: 'Ed25519' });
      const { res } = await loginWithDevice(h, 'desktop', impostor, desktop.keyId);
      assert.equal(res.json().error.code, 'DEVICE_PROOF_INVALID');
      assert.equal(res.json().error.details.reason, 'DEVICE_BAD_SIGNATURE');
    });
  });

  describe(`SMS codes, a restricted authenticator, on ${db.kind}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ db, env: { PORTCULLIS_SMS_ENABLED: 'true' } });
      await createUser(h, 'bob');
    });
    after(() => h.close());

    const lastCode = () => lastSmsCode(h.services.config.dataDir);

    it('enrolment shows the SIM-swap warning; a session that used SMS cannot do security changes and must step up without SMS', async () => {
      const setup = await loginPortal(h, 'bob');
      const start = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/sms/enrollments',
        headers: setup.headers,
        payload: { phone: '+44 20 7946 0958' },
      });
      assert.equal(start.statusCode, 201, start.body);
      assert.match(start.json().warning, /SIM swap/);
      assert.equal(start.json().phone, '+44••••••0958');
      const confirm = await h.app.inject({
        method: 'POST',
        url: `/api/v1/factors/sms/enrollments/${start.json().id}/confirm`,
        headers: setup.headers,
        payload: { code: lastCode() },
      });
      assert.equal(confirm.statusCode, 200, confirm.body);

      const f = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'portal' },
      });
      const id = f.json().id;
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/password`,
        payload: { identifier: 'bob', password: PASSWORD },
      });
      const early = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/sms`,
        payload: { code: '123456' },
      });
      assert.equal(early.json().error.code, 'SMS_NOT_SENT');
      assert.equal(
        (await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${id}/sms/send` })).statusCode,
        200,
      );
      const done = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${id}/sms`,
        payload: { code: lastCode() },
      });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(done.json().session.aal, 2);
      const portal = portalFrom(done);
      const regen = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/recovery-codes',
        headers: portal.headers,
      });
      assert.equal(regen.json().error.code, 'STEP_UP_REQUIRED');
      assert.ok(!regen.json().error.details.requirement.methods.includes('sms'));
    });

    it('an SMS code is bound to its flow: a code sent for one flow is useless in another', async () => {
      const start = async () => {
        const f = await h.app.inject({
          method: 'POST',
          url: '/api/v1/login/flows',
          payload: { interface: 'portal' },
        });
        await h.app.inject({
          method: 'POST',
          url: `/api/v1/login/flows/${f.json().id}/password`,
          payload: { identifier: 'bob', password: PASSWORD },
        });
        return f.json().id as string;
      };
      const a = await start();
      const b = await start();
      await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${a}/sms/send` });
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${b}/sms`,
        payload: { code: lastCode() },
      });
      assert.equal(res.json().error.code, 'SMS_NOT_SENT');
    });
  });
}
