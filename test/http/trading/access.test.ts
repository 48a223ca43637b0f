import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_DBS } from '../../support/databases.ts';
import { createUser, type Harness } from '../../support/harness.ts';
import { call, customer, limitBuy, sessionFor, touch, tradingHarness } from './support.ts';

for (const db of ALL_DBS) {
  describe(`roles and isolation across accounts (${db.kind})`, () => {
    let h: Harness;
    let alice: Awaited<ReturnType<typeof customer>>;
    let bob: Awaited<ReturnType<typeof customer>>;
    before(async () => {
      h = await tradingHarness(db);
      alice = await customer(h, 'alice');
      bob = await customer(h, 'bob');
    });
    after(() => h.close());

    test('a customer never sees another customer’s account: every route answers 404 ACCOUNT_NOT_FOUND', async () => {
      const id = bob.account.id;
      const { ask } = touch(h, 'AAPL');
      const probes = [
        call(h, alice.caller, 'GET', `/accounts/${id}`),
        call(h, alice.caller, 'GET', `/accounts/${id}/positions`),
        call(h, alice.caller, 'GET', `/accounts/${id}/orders`),
        call(h, alice.caller, 'POST', `/accounts/${id}/orders`, limitBuy('AAPL', '1', ask)),
        call(h, alice.caller, 'POST', `/accounts/${id}/orders/cancel-all`, {}),
        call(h, alice.caller, 'POST', `/accounts/${id}/flatten`, {}),
        call(h, alice.caller, 'POST', `/accounts/${id}/kill-switch`, {}),
        call(h, alice.caller, 'GET', `/accounts/${id}/limits`),
        call(h, alice.caller, 'GET', `/accounts/${id}/payees`),
        call(h, alice.caller, 'GET', `/accounts/${id}/withdrawals`),
      ];
      for (const res of await Promise.all(probes)) {
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json().error.code, 'ACCOUNT_NOT_FOUND');
      }
      const list = await call(h, alice.caller, 'GET', '/accounts');
      assert.deepEqual(
        list.json().accounts.map((a: { id: string }) => a.id),
        [alice.account.id],
      );
      assert.equal((await h.services.trading.orders.book(id)).state.tradingState, 'ACTIVE');
    });

    test('an unknown account id answers exactly like another customer’s', async () => {
      const res = await call(h, alice.caller, 'GET', '/accounts/acc_AAAAAAAAAAAAAAAAAAAAAA');
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'ACCOUNT_NOT_FOUND');
    });

    test('a viewer reads but cannot trade (ROLE_CANNOT_TRADE) or cancel (ROLE_NOT_ALLOWED)', async () => {
      const viewer = await createUser(h, 'viewer');
      await h.services.trading.accounts.grant(alice.account.id, viewer.id, 'viewer', {});
      const v = await sessionFor(h, viewer.id);
      assert.equal((await call(h, v, 'GET', `/accounts/${alice.account.id}`)).statusCode, 200);
      const { ask } = touch(h, 'AAPL');
      const buy = await call(
        h,
        v,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('AAPL', '1', ask),
      );
      assert.equal(buy.statusCode, 422);
      assert.equal(buy.json().error.code, 'ROLE_CANNOT_TRADE');
      const cancel = await call(h, v, 'POST', `/accounts/${alice.account.id}/orders/cancel-all`, {});
      assert.equal(cancel.json().error.code, 'ROLE_NOT_ALLOWED');
    });

    test('an advisor trades across client accounts but never adds payees, withdraws or unfreezes', async () => {
      const advisor = await createUser(h, 'advisor');
      await h.services.trading.accounts.grant(alice.account.id, advisor.id, 'advisor', {});
      await h.services.trading.accounts.grant(bob.account.id, advisor.id, 'advisor', {});
      const a = await sessionFor(h, advisor.id);
      const { ask } = touch(h, 'KO');
      for (const acc of [alice.account.id, bob.account.id]) {
        const r = await call(h, a, 'POST', `/accounts/${acc}/orders`, limitBuy('KO', '1', ask));
        assert.equal(r.statusCode, 201, r.body);
      }
      const payee = await call(h, a, 'POST', `/accounts/${alice.account.id}/payees`, {
        name: 'Mallory',
        destination: 'GB29NWBK60161331926819',
      });
      assert.equal(payee.json().error.code, 'ROLE_NOT_ALLOWED');
      const w = await call(h, a, 'POST', `/accounts/${alice.account.id}/withdrawals`, {
        payeeId: 'pay_AAAAAAAAAAAAAAAAAAAAAA',
        amount: '10',
      });
      assert.equal(w.json().error.code, 'ROLE_NOT_ALLOWED');
      const limits = await call(h, a, 'PUT', `/accounts/${alice.account.id}/limits`, { maxOpenOrders: 1 });
      assert.equal(limits.json().error.code, 'ROLE_NOT_ALLOWED');
      const list = await call(h, a, 'GET', '/accounts');
      assert.equal(list.json().accounts.length, 2);
    });

    test('forecast contracts are offered by the US entity only', async () => {
      const uk = await customer(h, 'ukcustomer', { entityId: 'ent_uk' });
      const { ask } = touch(h, 'FEDCUT-27MAR');
      const r = await call(
        h,
        uk.caller,
        'POST',
        `/accounts/${uk.account.id}/orders`,
        limitBuy('FEDCUT-27MAR', '10', ask),
      );
      assert.equal(r.statusCode, 422);
      assert.equal(r.json().error.code, 'PRODUCT_NOT_PERMITTED');
      const req = await call(h, uk.caller, 'POST', `/accounts/${uk.account.id}/permissions`, {
        product: 'forecast',
      });
      assert.equal(req.json().error.code, 'PRODUCT_NOT_OFFERED');
      const us = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('FEDCUT-27MAR', '10', ask),
      );
      assert.equal(us.statusCode, 201, us.body);
    });

    test('a permission request needs a fresh second factor and is recorded for review', async () => {
      const path = `/accounts/${alice.account.id}/permissions`;
      const stale = await sessionFor(h, alice.userId, 'portal', false);
      const refused = await call(h, stale, 'POST', path, { product: 'options', level: 3 });
      assert.equal(refused.json().error.code, 'STEP_UP_REQUIRED');
      const ok = await call(h, alice.caller, 'POST', path, { product: 'options', level: 3 });
      assert.equal(ok.statusCode, 202, ok.body);
      assert.match(ok.json().id, /^prq_/);
      assert.equal(ok.json().status, 'pending_review');
      const [event] = await h.services.audit.query({ limit: 1, name: 'permission.requested' });
      assert.deepEqual(event!.data, { accountId: alice.account.id, product: 'options', level: 3 });
    });

    test('quotes of a subscribed feed are real time; others are marked delayed', async () => {
      const live = await call(h, alice.caller, 'GET', '/quotes/AAPL');
      assert.equal(live.json().delayed, false);
      // The displayed sizes the paper venue fills against, in whole shares.
      assert.match(live.json().bidSize, /^[1-9]\d*$/);
      assert.match(live.json().askSize, /^[1-9]\d*$/);
      const fx = await call(h, alice.caller, 'GET', '/quotes/EURUSD');
      assert.equal(fx.json().delayed, true);
      const none = await call(h, alice.caller, 'GET', '/quotes/NOPE');
      assert.equal(none.json().error.code, 'INSTRUMENT_NOT_FOUND');
      const instruments = await call(h, alice.caller, 'GET', '/instruments');
      assert.ok(instruments.json().instruments.length >= 40);
    });
  });
}
