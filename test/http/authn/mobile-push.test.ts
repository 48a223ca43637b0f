import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enrollDevice, enrollTotp, loginPortalTotp, loginWithDevice } from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import { createUser, type Harness, loginPortal, PASSWORD, startHarness } from '../../support/harness.ts';
import type { SoftDevice } from '../../support/soft-device.ts';

async function pushFlow(h: Harness) {
  const f = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login/flows',
    payload: { interface: 'portal' },
  });
  const id = f.json().id as string;
  await h.app.inject({
    method: 'POST',
    url: `/api/v1/login/flows/${id}/password`,
    payload: { identifier: 'alice', password: PASSWORD },
  });
  const sent = await h.app.inject({ method: 'POST', url: `/api/v1/login/flows/${id}/push` });
  return { id, sent };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

for (const db of ALL_DBS) {
  describe(`mobile device, push approval and MFA-fatigue defence over HTTP on ${db.kind}`, () => {
    let h: Harness;
    let secret: string;
    let phone: SoftDevice;
    let keyId: string;
    let deviceId: string;
    let phoneToken: string;
    before(async () => {
      h = await startHarness({ db });
      await createUser(h);
      secret = (await enrollTotp(h, await loginPortal(h))).secret;
    });
    after(() => h.close());

    it('a fresh AAL2 portal session creates a single-use code; the phone registers its key with a proof; other devices are told', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      const enrolled = await enrollDevice(h, portal, 'mobile');
      ({ device: phone, keyId, deviceId } = enrolled);
      const devices = (
        await h.app.inject({ method: 'GET', url: '/api/v1/devices', headers: portal.headers })
      ).json().devices;
      assert.ok(
        devices.some(
          (d: { id: string; kind: string; state: string }) =>
            d.id === deviceId && d.kind === 'mobile' && d.state === 'trusted',
        ),
      );
      const alerts = (
        await h.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: portal.headers })
      ).json().alerts;
      assert.ok(alerts.some((a: { kind: string }) => a.kind === 'device_added'));
    });

    it('the phone signs in with password + device key (user verified): AAL2, bound to the device', async () => {
      const { res, token } = await loginWithDevice(h, 'mobile', phone, keyId);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().session.aal, 2);
      phoneToken = token!;
      const me = (
        await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(phoneToken) })
      ).json();
      assert.deepEqual(
        me.session.factors.map((f: { method: string }) => f.method),
        ['password', 'device_key'],
      );
    });

    it('number matching: the portal shows a number, the phone sees three choices and the request in words, approves the right one, and the long-poll completes the sign-in', async () => {
      const { id, sent } = await pushFlow(h);
      assert.equal(sent.statusCode, 200, sent.body);
      const { number, challengeId } = sent.json();
      const pending = (
        await h.app.inject({ method: 'GET', url: '/api/v1/push/pending', headers: bearer(phoneToken) })
      ).json().pending;
      assert.equal(pending.length, 1);
      assert.equal(pending[0].choices.length, 3);
      assert.ok(pending[0].choices.includes(number));
      assert.equal(pending[0].words, 'Sign in on portal');
      const waiting = (await h.app.inject({ method: 'GET', url: `/api/v1/login/flows/${id}` })).json();
      assert.equal(waiting.state, 'push_pending');
      assert.equal(waiting.push.number, number);
      const body = await phone.decide({ challengeId, choices: pending[0].choices }, 'approve', number);
      const { challengeId: _c, ...decision } = body;
      const ok = await h.app.inject({
        method: 'POST',
        url: `/api/v1/push/${challengeId}/decision`,
        headers: bearer(phoneToken),
        payload: decision,
      });
      assert.equal(ok.json().status, 'approved');
      const done = await h.app.inject({ method: 'GET', url: `/api/v1/login/flows/${id}?wait=1` });
      assert.equal(done.json().state, 'complete');
      assert.equal(done.json().session.aal, 2);
      const replay = await h.app.inject({
        method: 'POST',
        url: `/api/v1/push/${challengeId}/decision`,
        headers: bearer(phoneToken),
        payload: decision,
      });
      assert.equal(replay.json().error.code, 'PUSH_NOT_FOUND', 'a decision is single use');
    });

    it('only one push may wait at a time, and a forged signature is refused without deciding it', async () => {
      const first = await pushFlow(h);
      const second = await pushFlow(h);
      assert.equal(second.sent.json().error.code, 'PUSH_ALREADY_PENDING');
      const { challengeId, number } = first.sent.json();
      const forged = {
        decision: 'approve',
        number,
        userVerified: true,
        signature: Buffer.alloc(64, 1).toString('base64url'),
      };
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/push/${challengeId}/decision`,
        headers: bearer(phoneToken),
        payload: forged,
      });
      assert.equal(res.json().error.code, 'PUSH_REJECTED');
      assert.equal((await h.services.authn.push.status(challengeId))!.status, 'pending');
      const rejected = await h.services.store.db
        .selectFrom('audit_events')
        .select('reason')
        .where('name', '=', 'push.rejected')
        .execute();
      assert.ok(rejected.some((e) => e.reason === 'PUSH_BAD_SIGNATURE'));
      h.clock.advance(61_000);
      const expired = await h.app.inject({ method: 'GET', url: `/api/v1/login/flows/${first.id}` });
      assert.equal(expired.json().state, 'second_factor');
    });

    it("a phone cannot answer another user's challenge", async () => {
      const carol = await createUser(h, 'carol');
      await h.services.store.db
        .insertInto('push_challenges')
        .values({
          id: 'carolchallenge',
          user_id: carol.id,
          purpose: 'login',
          flow_id: null,
          number: 42,
          choices: '[42,13,77]',
          words: 'Sign in',
          context: '{}',
          status: 'pending',
          decided_by_device: null,
          created_at: h.clock.now,
          expires_at: h.clock.now + 60_000,
          decided_at: null,
        })
        .execute();
      const { challengeId: _c, ...decision } = await phone.decide(
        { challengeId: 'carolchallenge', choices: [] },
        'approve',
        42,
      );
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/push/carolchallenge/decision',
        headers: bearer(phoneToken),
        payload: decision,
      });
      assert.equal(res.json().error.code, 'PUSH_NOT_FOUND');
      assert.equal((await h.services.authn.push.status('carolchallenge'))!.status, 'pending');
    });

    it('three wrong numbers within 15 minutes block pushes for 15 minutes and alert the owner', async () => {
      for (let i = 0; i < 3; i++) {
        const { sent } = await pushFlow(h);
        const { challengeId, number } = sent.json();
        const wrong = number === 99 ? 98 : number + 1;
        const { challengeId: _c, ...decision } = await phone.decide(
          { challengeId, choices: [] },
          'approve',
          wrong,
        );
        const res = await h.app.inject({
          method: 'POST',
          url: `/api/v1/push/${challengeId}/decision`,
          headers: bearer(phoneToken),
          payload: decision,
        });
        assert.equal(res.json().status, 'wrong_number');
      }
      const blocked = await pushFlow(h);
      assert.equal(blocked.sent.json().error.code, 'PUSH_BLOCKED');
      const alerts = (
        await h.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: bearer(phoneToken) })
      ).json().alerts;
      assert.ok(alerts.some((a: { kind: string }) => a.kind === 'push_blocked'));
      h.clock.advance(16 * 60_000);
      assert.equal((await pushFlow(h)).sent.statusCode, 200);
      h.clock.advance(61_000);
    });

    it('second approvals: approvals.request pushes words to the phone and onDecision hears the outcome', async () => {
      const outcomes: string[] = [];
      h.services.authn.approvals.onDecision(async (id, outcome) => {
        outcomes.push(`${id}:${outcome}`);
      });
      const user = (await h.services.identity.users.findByIdentifier('alice'))!;
      const req = await h.services.authn.approvals.request({
        userId: user.id,
        words: 'Withdraw USD 25,000.00',
        ctx: {},
      });
      const stream = await h.app.inject({
        method: 'GET',
        url: '/api/v1/push/stream?maxSeconds=1',
        headers: bearer(phoneToken),
      });
      assert.match(stream.body, /event: push\ndata: .*Withdraw USD 25,000\.00/);
      const { challengeId: _c, ...decision } = await phone.decide(
        { challengeId: req.challengeId, choices: [] },
        'approve',
        req.number,
      );
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/push/${req.challengeId}/decision`,
        headers: bearer(phoneToken),
        payload: decision,
      });
      assert.deepEqual(outcomes, [`${req.challengeId}:approved`]);
      const late = await h.services.authn.approvals.request({
        userId: user.id,
        words: 'Withdraw USD 9.00',
        ctx: {},
      });
      h.clock.advance(61_000);
      await h.app.inject({ method: 'GET', url: '/api/v1/push/pending', headers: bearer(phoneToken) });
      assert.deepEqual(outcomes.at(-1), `${late.challengeId}:expired`);
    });

    it('a lost phone: revoking it from the portal ends its sessions at once and its push rights with them', async () => {
      const { portal } = await loginPortalTotp(h, secret);
      const { challengeId, number } = await h.services.authn.approvals.request({
        userId: (await h.services.identity.users.findByIdentifier('alice'))!.id,
        words: 'Add payee',
        ctx: {},
      });
      const del = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/devices/${deviceId}`,
        headers: portal.headers,
      });
      assert.equal(del.statusCode, 200, del.body);
      assert.equal(del.json().endedSessions, 1);
      assert.equal(
        (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(phoneToken) })).statusCode,
        401,
      );
      const relogin = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'mobile', device: keyId },
      });
      const pw = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${relogin.json().id}/password`,
        payload: { identifier: 'alice', password: PASSWORD },
      });
      assert.equal(pw.json().flow.state, 'second_factor', 'a revoked key no longer proves the device');
      const { challengeId: _c, ...decision } = await phone.decide(
        { challengeId, choices: [] },
        'approve',
        number,
      );
      const late = await h.app.inject({
        method: 'POST',
        url: `/api/v1/push/${challengeId}/decision`,
        headers: bearer(phoneToken),
        payload: decision,
      });
      assert.equal(late.statusCode, 401);
      assert.equal((await h.services.authn.push.status(challengeId))!.status, 'pending');
      h.clock.advance(61_000);
    });

    it('re-binding a new phone needs a fresh second factor, never the password alone', async () => {
      const f = await h.app.inject({
        method: 'POST',
        url: '/api/v1/login/flows',
        payload: { interface: 'portal' },
      });
      const pw = await h.app.inject({
        method: 'POST',
        url: `/api/v1/login/flows/${f.json().id}/password`,
        payload: { identifier: 'alice', password: PASSWORD },
      });
      assert.equal(pw.json().session, undefined, 'the password alone opens no session');
      const { portal } = await loginPortalTotp(h, secret);
      const next = await enrollDevice(h, portal, 'mobile');
      assert.notEqual(next.deviceId, deviceId);
      h.clock.advance(6 * 60_000);
      const stale = await h.app.inject({
        method: 'POST',
        url: '/api/v1/factors/mobile/enrollments',
        headers: portal.headers,
      });
      assert.equal(stale.json().error.code, 'STEP_UP_REQUIRED');
    });
  });
}
