import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_RULES } from '../../../src/policy/rules.ts';
import { dec } from '../../../src/trading/decimal.ts';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, customer, limitBuy, sessionFor, touch, tradingHarness } from './support.ts';

for (const db of ALL_DBS) {
  describe(`orders over HTTP (${db.kind})`, () => {
    let h: Harness;
    let alice: Awaited<ReturnType<typeof customer>>;
    before(async () => {
      h = await tradingHarness(db);
      alice = await customer(h, 'alice');
    });
    after(() => h.close());

    test('a marketable limit buy fills at the simulated ask and creates a position', async () => {
      const { ask } = touch(h, 'AAPL');
      const res = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('AAPL', '10', ask),
      );
      assert.equal(res.statusCode, 201, res.body);
      const order = res.json();
      assert.equal(order.status, 'filled');
      assert.equal(order.averagePrice, ask);
      const pos = await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}/positions`);
      const aapl = pos.json().positions.find((p: { symbol: string }) => p.symbol === 'AAPL');
      assert.equal(aapl.quantity, '10');
    });

    test('an accepted order records the rule that admitted it in its own event, not in a separate decision', async () => {
      const decidedBefore = (await h.services.audit.query({ limit: 1000, name: 'policy.decided' })).length;
      const { ask } = touch(h, 'AAPL');
      const res = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('AAPL', '1', ask),
      );
      assert.equal(res.statusCode, 201, res.body);
      const [accepted] = await h.services.audit.query({ limit: 1, name: 'order.accepted' });
      assert.equal(accepted!.data['orderId'], res.json().id);
      const admitted = /^place_order=(.+)$/.exec(String(accepted!.data['admittedBy']));
      assert.ok(admitted, String(accepted!.data['admittedBy']));
      assert.ok(DEFAULT_RULES.some((r) => r.name === admitted[1] && r.actions !== 'any'));
      assert.equal(
        (await h.services.audit.query({ limit: 1000, name: 'policy.decided' })).length,
        decidedBefore,
      );
    });

    test('a resting limit order is worked as quotes move and fills when the ask reaches it', async () => {
      const low = touch(h, 'MSFT').bid;
      const res = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('MSFT', '1', low),
      );
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().status, 'accepted');
      let status = 'accepted';
      for (let i = 0; i < 2000 && status === 'accepted'; i++) {
        await h.services.trading.advanceQuotes(1);
        const book = await h.services.trading.orders.book(alice.account.id);
        if (!book.open.has(res.json().id)) status = 'done';
      }
      const read = await call(
        h,
        alice.caller,
        'GET',
        `/accounts/${alice.account.id}/orders/${res.json().id}`,
      );
      assert.equal(read.json().status, 'filled');
      assert.ok(Number(read.json().averagePrice) <= Number(low));
    });

    test('a resting day order expires when the market closes; a GTC order rests on', async () => {
      const price = (Number(touch(h, 'XOM').bid) - 1).toFixed(2);
      const day = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('XOM', '1', price, { timeInForce: 'day' }),
      );
      const gtc = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('XOM', '2', price),
      );
      assert.equal(day.json().status, 'accepted');
      h.clock.advance(7 * 3_600_000);
      alice.caller = await sessionFor(h, alice.userId);
      await h.services.trading.advanceQuotes(1);
      const d = await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}/orders/${day.json().id}`);
      assert.equal(d.json().status, 'expired');
      const g = await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}/orders/${gtc.json().id}`);
      assert.equal(g.json().status, 'accepted');
      h.clock.advance(17 * 3_600_000);
      alice.caller = await sessionFor(h, alice.userId);
    });

    test('same idempotency key and content gives the same order; other content is a 409', async () => {
      const { last } = touch(h, 'KO');
      const body = limitBuy('KO', '5', (Number(last) * 0.95).toFixed(2));
      const headers = { 'idempotency-key': 'key-1' };
      const first = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        body,
        headers,
      );
      assert.equal(first.statusCode, 201, first.body);
      const again = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        body,
        headers,
      );
      assert.equal(again.statusCode, 200);
      assert.equal(again.json().id, first.json().id);
      const other = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        { ...body, quantity: '6' },
        headers,
      );
      assert.equal(other.statusCode, 409);
      assert.equal(other.json().error.code, 'IDEMPOTENCY_CONFLICT');
    });

    test('a limit price outside the collar is refused with 422 PRICE_OUTSIDE_COLLAR and its values', async () => {
      const { last } = touch(h, 'AAPL');
      const far = (Number(last) * 1.5).toFixed(2);
      const res = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('AAPL', '1', far),
      );
      assert.equal(res.statusCode, 422);
      const err = res.json().error;
      assert.equal(err.code, 'PRICE_OUTSIDE_COLLAR');
      assert.ok(dec(err.details.limit).eq(dec(far)));
      assert.ok(dec(err.details.reference).eq(dec(last)));
    });

    test('preview returns the decision without sending the order', async () => {
      const before = (await h.services.trading.orders.book(alice.account.id)).open.size;
      const { last } = touch(h, 'AAPL');
      const res = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders/preview`,
        limitBuy('AAPL', '1', (Number(last) * 2).toFixed(2)),
      );
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().accepted, false);
      assert.equal(res.json().denial.code, 'PRICE_OUTSIDE_COLLAR');
      assert.equal((await h.services.trading.orders.book(alice.account.id)).open.size, before);
    });

    test('modify re-runs the checks; cancel and cancel-all take orders off the book', async () => {
      const { last } = touch(h, 'JPM');
      const price = (Number(last) * 0.95).toFixed(2);
      const placed = await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('JPM', '2', price),
      );
      const id = placed.json().id;
      const mod = await call(h, alice.caller, 'PATCH', `/accounts/${alice.account.id}/orders/${id}`, {
        quantity: '3',
      });
      assert.equal(mod.statusCode, 200, mod.body);
      assert.equal(mod.json().quantity, '3');
      const bad = await call(h, alice.caller, 'PATCH', `/accounts/${alice.account.id}/orders/${id}`, {
        limitPrice: (Number(last) * 3).toFixed(2),
      });
      assert.equal(bad.json().error.code, 'PRICE_OUTSIDE_COLLAR');
      const cancel = await call(h, alice.caller, 'DELETE', `/accounts/${alice.account.id}/orders/${id}`);
      assert.equal(cancel.json().status, 'cancelled');
      const twice = await call(h, alice.caller, 'DELETE', `/accounts/${alice.account.id}/orders/${id}`);
      assert.equal(twice.json().error.code, 'ORDER_NOT_OPEN');
      await call(
        h,
        alice.caller,
        'POST',
        `/accounts/${alice.account.id}/orders`,
        limitBuy('JPM', '1', price),
      );
      const all = await call(h, alice.caller, 'POST', `/accounts/${alice.account.id}/orders/cancel-all`, {});
      assert.ok(all.json().cancelled >= 1);
      const open = await call(h, alice.caller, 'GET', `/accounts/${alice.account.id}/orders?status=open`);
      assert.equal(open.json().orders.length, 0);
    });
  });
}
