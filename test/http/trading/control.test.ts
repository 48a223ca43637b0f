import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionPrincipal } from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, customer, limitBuy, sessionFor, touch, tradingHarness } from './support.ts';

for (const db of ALL_DBS) {
  describe(`kill switch, flatten and asymmetric friction (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db);
    });
    after(() => h.close());

    async function withOpenOrders(name: string) {
      const c = await customer(h, name);
      const { ask, bid } = touch(h, 'AAPL');
      const buy = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('AAPL', '10', ask),
      );
      assert.equal(buy.json().status, 'filled', buy.body);
      for (const q of ['1', '2']) {
        const r = await call(
          h,
          c.caller,
          'POST',
          `/accounts/${c.account.id}/orders`,
          limitBuy('AAPL', q, (Number(bid) - 1).toFixed(2)),
        );
        assert.equal(r.json().status, 'accepted', r.body);
      }
      return c;
    }

    for (const iface of ['portal', 'mobile', 'desktop'] as const) {
      test(`the kill switch from a stale ${iface} session halts, cancels every open order and runs the listeners`, async () => {
        const c = await withOpenOrders(`kill_${iface}`);
        const heard: string[] = [];
        h.services.trading.onKillSwitch(async (e) => {
          heard.push(e.accountId);
        });
        const stale = await sessionFor(h, c.userId, iface, false);
        const res = await call(h, stale, 'POST', `/accounts/${c.account.id}/kill-switch`, {});
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().tradingState, 'HALTED');
        assert.equal(res.json().cancelledOrders, 2);
        assert.ok(heard.includes(c.account.id));
        const detail = await call(h, stale, 'GET', `/accounts/${c.account.id}`);
        assert.equal(detail.json().tradingState, 'HALTED');
        const open = await call(h, stale, 'GET', `/accounts/${c.account.id}/orders?status=open`);
        assert.equal(open.json().orders.length, 0);
      });
    }

    test('the service-level kill switch (for API credentials) halts and can flatten', async () => {
      const c = await withOpenOrders('kill_service');
      const principal = sessionPrincipal(c.userId, { interface: 'desktop', createdAt: h.clock.now });
      const r = await h.services.trading.killSwitch(c.account.id, principal, { flatten: true }, {});
      assert.equal(r.cancelledOrders, 2);
      assert.equal(r.flattened?.[0]?.status, 'filled');
      const book = await h.services.trading.orders.book(c.account.id);
      assert.equal(book.state.positionQuantity('AAPL').isZero(), true);
    });

    test('a halted account refuses new orders with TRADING_HALTED but still flattens from a stale session', async () => {
      const c = await withOpenOrders('halted_flatten');
      const stale = await sessionFor(h, c.userId, 'portal', false);
      await call(h, stale, 'POST', `/accounts/${c.account.id}/kill-switch`, {});
      const { ask } = touch(h, 'MSFT');
      const denied = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('MSFT', '1', ask),
      );
      assert.equal(denied.statusCode, 422);
      assert.equal(denied.json().error.code, 'TRADING_HALTED');
      const flat = await call(h, stale, 'POST', `/accounts/${c.account.id}/flatten`, { symbol: 'AAPL' });
      assert.equal(flat.statusCode, 200, flat.body);
      assert.equal(flat.json().results[0].status, 'filled');
      const detail = await call(h, stale, 'GET', `/accounts/${c.account.id}`);
      assert.equal(detail.json().tradingState, 'HALTED');
    });

    test('a stale session can cancel but cannot open a position (STEP_UP_REQUIRED with the requirement)', async () => {
      const c = await withOpenOrders('stale_cancel');
      const stale = await sessionFor(h, c.userId, 'mobile', false);
      const { ask } = touch(h, 'MSFT');
      const buy = await call(
        h,
        stale,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('MSFT', '1', ask),
      );
      assert.equal(buy.statusCode, 403);
      assert.equal(buy.json().error.code, 'STEP_UP_REQUIRED');
      assert.ok(buy.json().error.details.requirement);
      const all = await call(h, stale, 'POST', `/accounts/${c.account.id}/orders/cancel-all`, {});
      assert.equal(all.statusCode, 200);
      assert.equal(all.json().cancelled, 2);
    });

    test('REDUCING admits only orders that shrink a position; the members are told of a kill switch', async () => {
      const c = await withOpenOrders('reducing');
      const stale = await sessionFor(h, c.userId, 'mobile', false);
      const r = await call(h, stale, 'POST', `/accounts/${c.account.id}/reduce-only`);
      assert.equal(r.json().tradingState, 'REDUCING');
      const more = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('MSFT', '1', touch(h, 'MSFT').ask),
      );
      assert.equal(more.json().error.code, 'TRADING_REDUCING_ONLY');
      const { bid } = touch(h, 'AAPL');
      const sell = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, {
        ...limitBuy('AAPL', '4', bid),
        side: 'sell',
      });
      assert.equal(sell.statusCode, 201, sell.body);
      assert.equal(sell.json().status, 'filled');
      await call(h, stale, 'POST', `/accounts/${c.account.id}/kill-switch`, {});
      const alerts = await h.services.authn.notifier.list(c.userId);
      assert.ok(alerts.some((a) => a.kind === 'kill_switch'));
    });

    test('unfreeze waits for the cool-down, needs step-up, then resumes trading', async () => {
      const c = await withOpenOrders('unfreeze');
      await call(h, c.caller, 'POST', `/accounts/${c.account.id}/kill-switch`, {});
      const early = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/unfreeze`);
      assert.equal(early.statusCode, 409);
      assert.equal(early.json().error.code, 'UNFREEZE_COOLDOWN');
      h.clock.advance(61_000);
      const stale = await sessionFor(h, c.userId, 'portal', false);
      const weak = await call(h, stale, 'POST', `/accounts/${c.account.id}/unfreeze`);
      assert.equal(weak.statusCode, 403);
      assert.equal(weak.json().error.code, 'STEP_UP_REQUIRED');
      const fresh = await sessionFor(h, c.userId, 'portal', true);
      const ok = await call(h, fresh, 'POST', `/accounts/${c.account.id}/unfreeze`);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().tradingState, 'ACTIVE');
      const again = await call(h, fresh, 'POST', `/accounts/${c.account.id}/unfreeze`);
      assert.equal(again.json().error.code, 'TRADING_NOT_HALTED');
    });

    test('tightening limits applies at once from a stale session; loosening needs step-up', async () => {
      const c = await customer(h, 'limits');
      const stale = await sessionFor(h, c.userId, 'portal', false);
      const tight = await call(h, stale, 'PUT', `/accounts/${c.account.id}/limits`, { maxOpenOrders: 1 });
      assert.equal(tight.statusCode, 200, tight.body);
      assert.equal(tight.json().maxOpenOrders, 1);
      const { bid } = touch(h, 'KO');
      const price = (Number(bid) - 0.5).toFixed(2);
      assert.equal(
        (await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, limitBuy('KO', '1', price)))
          .statusCode,
        201,
      );
      const second = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('KO', '2', price),
      );
      assert.equal(second.json().error.code, 'OPEN_ORDERS_EXCEEDED');
      assert.equal(second.json().error.details.max, '1');
      const loosen = await call(h, stale, 'PUT', `/accounts/${c.account.id}/limits`, { maxOpenOrders: 100 });
      assert.equal(loosen.statusCode, 403);
      assert.equal(loosen.json().error.code, 'STEP_UP_REQUIRED');
      const ok = await call(h, c.caller, 'PUT', `/accounts/${c.account.id}/limits`, { maxOpenOrders: 100 });
      assert.equal(ok.statusCode, 200);
    });
  });
}
