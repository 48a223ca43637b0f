import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { enrollDevice, loginWithDevice } from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, customer, sessionFor, tradingHarness } from './support.ts';

const IBAN = 'GB29NWBK60161331926819';

for (const db of ALL_DBS) {
  describe(`payees and withdrawals (${db.kind})`, () => {
    let h: Harness;
    let alice: Awaited<ReturnType<typeof customer>>;
    let payeeId: string;
    before(async () => {
      h = await tradingHarness(db, { PORTCULLIS_POLICY_WITHDRAW_AAL3_ABOVE: '1000000' });
      alice = await customer(h, 'alice', { cash: '100000' });
    });
    after(() => h.close());

    const balances = async () =>
      (await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}`)).json().balances;

    test('a new payee starts a hold; its destination is stored encrypted and shown masked', async () => {
      const res = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/payees`, {
        name: 'Own bank',
        destination: IBAN,
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().onHold, true);
      assert.equal(res.json().destination, '••••6819');
      payeeId = res.json().id;
      const row = await h.services.store.db
        .selectFrom('payees')
        .selectAll()
        .where('id', '=', payeeId)
        .executeTakeFirstOrThrow();
      assert.ok(!row.destination_sealed.includes(IBAN));
      const w = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId,
        amount: '100',
      });
      assert.equal(w.statusCode, 409);
      assert.equal(w.json().error.code, 'PAYEE_ON_HOLD');
    });

    test('a password-only session cannot add a payee (step-up)', async () => {
      const stale = await sessionFor(h, alice.userId, 'portal', false);
      const res = await call(h, stale, 'POST', `/accounts/${alice.account.id}/payees`, {
        name: 'X',
        destination: IBAN,
      });
      assert.equal(res.json().error.code, 'STEP_UP_REQUIRED');
    });

    test('after the hold a withdrawal holds the money, can be cancelled in its window, and completes after it', async () => {
      h.clock.advance(48 * 3_600_000 + 1000);
      alice.caller = await sessionFor(h, alice.userId);
      const w = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId,
        amount: '5000',
      });
      assert.equal(w.statusCode, 201, w.body);
      assert.equal(w.json().status, 'scheduled');
      assert.equal(w.json().factor, 'totp');
      assert.equal((await balances()).cash, '95000');
      assert.equal((await balances()).withdrawalHold, '5000');
      const c = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/withdrawals/${w.json().id}/cancel`,
      );
      assert.equal(c.json().status, 'cancelled');
      assert.equal((await balances()).cash, '100000');
      const w2 = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId,
        amount: '5000',
      });
      h.clock.advance(3_600_000);
      alice.caller = await sessionFor(h, alice.userId);
      const list = await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}/withdrawals`);
      assert.equal(
        list.json().withdrawals.find((x: { id: string }) => x.id === w2.json().id).status,
        'completed',
      );
      assert.equal((await balances()).cash, '95000');
      assert.equal((await balances()).withdrawalHold, '0');
      const late = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/withdrawals/${w2.json().id}/cancel`,
      );
      assert.equal(late.json().error.code, 'WITHDRAWAL_NOT_CANCELLABLE');
    });

    test('the daily limit follows the strongest factor of the session', async () => {
      const stale = await sessionFor(h, alice.userId, 'portal', false);
      const weak = await call(h, stale, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId,
        amount: '1000.01',
      });
      assert.equal(weak.json().error.code, 'WITHDRAWAL_LIMIT_EXCEEDED');
      assert.equal(weak.json().error.details.factor, 'none');
      const big = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId,
        amount: '45000.01',
      });
      assert.equal(big.json().error.code, 'WITHDRAWAL_LIMIT_EXCEEDED');
      assert.equal(big.json().error.details.limit, '50000');
      assert.equal(big.json().error.details.usedToday, '5000');

      // The same figures are shown before submitting, for the session asking.
      const path = `/accounts/${alice.account.id}/withdrawal-limits`;
      const shownWeak = (await call(h, stale, 'GET', path)).json();
      assert.equal(shownWeak.factor, 'none');
      assert.equal(shownWeak.limit, weak.json().error.details.limit);
      const shown = (await call(h, alice.caller, 'GET', path)).json();
      assert.deepEqual(
        { factor: shown.factor, limit: shown.limit, usedToday: shown.usedToday, left: shown.remainingToday },
        { factor: big.json().error.details.factor, limit: '50000', usedToday: '5000', left: '45000' },
      );
      assert.equal(Object.keys(shown.byFactor)[0], 'none');
      assert.equal(shown.byFactor.none, shownWeak.limit);
      assert.match(shown.approvalAbove, /^\d+(\.\d+)?$/);
      assert.match(shown.available, /^\d+(\.\d+)?$/);
    });

    test('more than the free cash is refused with INSUFFICIENT_FUNDS and nothing moves', async () => {
      const poor = await customer(h, 'poor', { cash: '500' });
      const p = await call(h, poor.caller, 'POST', `/accounts/${poor.account.id}/payees`, {
        name: 'Bank',
        destination: IBAN,
      });
      h.clock.advance(48 * 3_600_000 + 1000);
      poor.caller = await sessionFor(h, poor.userId);
      const w = await call(h, poor.caller, 'POST', `/accounts/${poor.account.id}/withdrawals`, {
        payeeId: p.json().id,
        amount: '500.01',
      });
      assert.equal(w.json().error.code, 'INSUFFICIENT_FUNDS');
      const ok = await call(h, poor.caller, 'POST', `/accounts/${poor.account.id}/withdrawals`, {
        payeeId: p.json().id,
        amount: '500',
      });
      assert.equal(ok.statusCode, 201);
    });

    test('above the threshold the answer is 202 with the approval; the phone approves with the number and it is scheduled', async () => {
      alice.caller = await sessionFor(h, alice.userId);
      const portal = { cookie: '', csrf: '', headers: alice.caller.headers };
      const { device, keyId } = await enrollDevice(h, portal, 'mobile');
      const { token } = await loginWithDevice(h, 'mobile', device, keyId);
      alice.caller = await sessionFor(h, alice.userId);
      const w = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId,
        amount: '10000',
      });
      assert.equal(w.statusCode, 202, w.body);
      assert.equal(w.json().status, 'pending_approval');
      const phone = { authorization: `Bearer ${token}` };
      const pending = (
        await h.app.inject({ method: 'GET', url: '/api/v1/push/pending', headers: phone })
      ).json().pending;
      const prompt = pending.find((p: { challengeId: string }) => p.challengeId === w.json().approvalId);
      assert.match(prompt.words, /Withdraw USD 10000\.00/);
      const { challengeId: _c, ...decision } = await device.decide(
        prompt,
        'approve',
        w.json().approvalNumber,
      );
      const ok = await h.app.inject({
        method: 'POST',
        url: `/api/v1/push/${w.json().approvalId}/decision`,
        headers: phone,
        payload: decision,
      });
      assert.equal(ok.json().status, 'approved', ok.body);
      let status = 'pending_approval';
      for (let i = 0; i < 50 && status === 'pending_approval'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        const list = await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}/withdrawals`);
        status = list.json().withdrawals.find((x: { id: string }) => x.id === w.json().id).status;
      }
      assert.equal(status, 'scheduled');
    });

    test('a withdrawal above the approval threshold needs a phone for the second approval', async () => {
      const c = await customer(h, 'nophone', { cash: '50000' });
      const p = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/payees`, {
        name: 'Bank',
        destination: IBAN,
      });
      h.clock.advance(48 * 3_600_000 + 1000);
      c.caller = await sessionFor(h, c.userId);
      const w = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/withdrawals`, {
        payeeId: p.json().id,
        amount: '10000',
      });
      assert.equal(w.json().error.code, 'FACTOR_METHOD_UNAVAILABLE');
      const detail = await call(h, c.caller, 'GET', `/accounts/${c.account.id}`);
      assert.equal(detail.json().balances.cash, '50000');
    });
  });
}
