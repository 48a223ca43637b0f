import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Decimal, dec } from '../../../src/trading/decimal.ts';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, customer, limitBuy, tradingHarness } from './support.ts';

type Customer = Awaited<ReturnType<typeof customer>>;

for (const db of ALL_DBS) {
  describe(`partial fills against the displayed size (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db);
    });
    after(() => h.close());

    /** The live quote's touch price and displayed size for a buy (ask) or a sell (bid). */
    function touchOf(symbol: string, side: 'buy' | 'sell') {
      const q = h.services.trading.feed.getQuote(symbol)!;
      const [price, size] = side === 'buy' ? [q.ask, q.askSize] : [q.bid, q.bidSize];
      assert.ok(size !== undefined, 'the simulated feed displays a size');
      return { price, size };
    }

    const order = (c: Customer, body: unknown) =>
      call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, body);
    const read = async (c: Customer, id: string) =>
      (await call(h, c.caller, 'GET', `/accounts/${c.account.id}/orders/${id}`)).json();
    const fills = (orderId: string) =>
      h.services.store.db
        .selectFrom('fills')
        .select(['quantity', 'price'])
        .where('order_id', '=', orderId)
        .execute();
    async function position(c: Customer, symbol: string) {
      const res = await call(h, c.caller, 'GET', `/accounts/${c.account.id}/positions`);
      return res.json().positions.find((p: { symbol: string }) => p.symbol === symbol);
    }
    const balances = async (c: Customer) =>
      (await call(h, c.caller, 'GET', `/accounts/${c.account.id}`)).json().balances;

    /** Debits equal credits in memory, the ledger's cash is the risk state's, and stored postings sum to zero. */
    async function assertLedgerBalanced(c: Customer, expectedCash: Decimal) {
      const book = await h.services.trading.orders.book(c.account.id);
      assert.ok(book.ledger.debits.eq(book.ledger.credits), 'debits = credits');
      assert.ok(book.ledger.balance('cash').eq(book.state.cash), 'ledger cash = risk cash');
      assert.equal(book.state.cash.toString(), expectedCash.toString());
      const rows = await h.services.store.db
        .selectFrom('ledger_entries')
        .select('amount')
        .where('account_id', '=', c.account.id)
        .execute();
      assert.ok(
        rows.reduce((s, r) => s.add(dec(r.amount)), Decimal.ZERO).isZero(),
        'stored postings sum to 0',
      );
    }

    test('an order larger than the displayed size fills what is shown, keeps working and fills the rest on the next quote', async () => {
      const c = await customer(h, 'partial_market');
      const first = touchOf('KO', 'buy');
      const quantity = first.size.add(dec('100'));
      const placed = await order(c, {
        symbol: 'KO',
        side: 'buy',
        type: 'market',
        quantity: quantity.toString(),
        timeInForce: 'day',
      });
      assert.equal(placed.statusCode, 201, placed.body);
      const id = placed.json().id;
      assert.equal(placed.json().status, 'partially_filled');
      assert.equal(placed.json().filledQuantity, first.size.toString());
      assert.equal(placed.json().averagePrice, first.price.toString());
      assert.equal((await position(c, 'KO')).quantity, first.size.toString());
      assert.notEqual((await balances(c)).reservedForOrders, '0.00', 'the remainder stays reserved');
      const stored = await h.services.store.db
        .selectFrom('orders')
        .select(['status', 'filled_quantity'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.status, 'partially_filled');
      assert.equal(stored.filled_quantity, first.size.toString());

      await h.services.trading.advanceQuotes(1);
      const second = h.services.trading.feed.getQuote('KO')!.ask;

      const done = await read(c, id);
      assert.equal(done.status, 'filled');
      assert.equal(done.filledQuantity, quantity.toString());
      const value = first.size.mul(first.price).add(dec('100').mul(second));
      const average = value.div(quantity, 8, 'half-even').toString();
      assert.equal(done.averagePrice, average);
      const rows = (await fills(id)).map((f) => `${dec(f.quantity)}@${dec(f.price)}`);
      assert.deepEqual(rows.sort(), [`${first.size}@${first.price}`, `100@${second}`].sort());
      const pos = await position(c, 'KO');
      assert.equal(pos.quantity, quantity.toString());
      assert.equal(pos.averagePrice, average);
      assert.equal((await balances(c)).reservedForOrders, '0.00');
      await assertLedgerBalanced(c, dec('1000000').sub(value));
    });

    test('orders on the same quote share its displayed size: the second gets only what the first left', async () => {
      const c = await customer(h, 'partial_shared');
      const { price, size } = touchOf('EEM', 'buy');
      const big = await order(c, limitBuy('EEM', size.sub(dec('40')).toString(), price.toString()));
      assert.equal(big.json().status, 'filled', big.body);
      const small = await order(c, limitBuy('EEM', '100', price.toString()));
      assert.equal(small.json().status, 'partially_filled', small.body);
      assert.equal(small.json().filledQuantity, '40');
      await h.services.trading.advanceQuotes(1);
      const after = await read(c, small.json().id);
      if (h.services.trading.feed.getQuote('EEM')!.ask.lte(price)) assert.equal(after.status, 'filled');
      else assert.equal(after.status, 'partially_filled', 'the limit rests while the ask is above it');
    });

    test('an IOC order’s unfilled remainder expires at once after its partial fill (DISPLAYED_SIZE_EXHAUSTED)', async () => {
      const c = await customer(h, 'partial_ioc');
      const { price, size } = touchOf('XOM', 'buy');
      const res = await order(
        c,
        limitBuy('XOM', size.add(dec('50')).toString(), price.toString(), { timeInForce: 'ioc' }),
      );
      assert.equal(res.statusCode, 201, res.body);
      const o = res.json();
      assert.equal(o.status, 'expired');
      assert.equal(o.reason, 'DISPLAYED_SIZE_EXHAUSTED');
      assert.equal(o.filledQuantity, size.toString());
      assert.equal(o.averagePrice, price.toString());
      assert.equal((await fills(o.id)).length, 1);
      assert.equal((await position(c, 'XOM')).quantity, size.toString());
      assert.equal((await balances(c)).reservedForOrders, '0.00');
      await h.services.trading.advanceQuotes(1);
      assert.equal((await fills(o.id)).length, 1, 'an expired remainder never fills later');
      await assertLedgerBalanced(c, dec('1000000').sub(size.mul(price)));
    });

    test('cancelling a partially filled order cancels its remainder and keeps the filled part', async () => {
      const c = await customer(h, 'partial_cancel');
      const { price, size } = touchOf('JNJ', 'buy');
      const placed = await order(c, limitBuy('JNJ', size.add(dec('100')).toString(), price.toString()));
      assert.equal(placed.json().status, 'partially_filled', placed.body);
      const id = placed.json().id;
      const cancel = await call(h, c.caller, 'DELETE', `/accounts/${c.account.id}/orders/${id}`);
      assert.equal(cancel.statusCode, 200, cancel.body);
      assert.equal(cancel.json().status, 'cancelled');
      assert.equal(cancel.json().filledQuantity, size.toString());
      assert.equal(cancel.json().averagePrice, price.toString());
      assert.equal((await balances(c)).reservedForOrders, '0.00');
      await h.services.trading.advanceQuotes(1);
      const stored = await read(c, id);
      assert.equal(stored.status, 'cancelled');
      assert.equal(stored.filledQuantity, size.toString());
      assert.equal((await fills(id)).length, 1);
      assert.equal((await position(c, 'JNJ')).quantity, size.toString());
      await assertLedgerBalanced(c, dec('1000000').sub(size.mul(price)));
    });

    test('cancel-all cancels the remainder of a partially filled order and keeps its fills in storage', async () => {
      const c = await customer(h, 'partial_cancel_all');
      const { price, size } = touchOf('TLT', 'buy');
      const placed = await order(c, limitBuy('TLT', size.add(dec('7')).toString(), price.toString()));
      assert.equal(placed.json().status, 'partially_filled', placed.body);
      const all = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders/cancel-all`, {});
      assert.equal(all.json().cancelled, 1);
      const stored = await read(c, placed.json().id);
      assert.equal(stored.status, 'cancelled');
      assert.equal(stored.filledQuantity, size.toString());
      assert.equal((await balances(c)).reservedForOrders, '0.00');
    });

    test('flatten closes a position larger than the displayed size over several quotes', async () => {
      const c = await customer(h, 'partial_flatten');
      const book = await h.services.trading.orders.book(c.account.id);
      const held = dec('12000');
      const { price } = touchOf('KO', 'buy');
      await h.services.trading.engine.seedFill(
        book,
        { userId: c.userId, actor: { role: 'owner' } },
        { symbol: 'KO', side: 'buy', type: 'market', quantity: held, timeInForce: 'day' },
        price,
        {},
      );
      const flat = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/flatten`, { symbol: 'KO' });
      assert.equal(flat.statusCode, 200, flat.body);
      const [result] = flat.json().results;
      assert.equal(result.status, 'partially_filled');
      for (let i = 0; i < 30 && !book.state.positionQuantity('KO').isZero(); i++) {
        await h.services.trading.advanceQuotes(1);
      }
      assert.ok(book.state.positionQuantity('KO').isZero(), 'the position is closed');
      const closed = await read(c, result.orderId);
      assert.equal(closed.status, 'filled');
      assert.equal(closed.filledQuantity, held.toString());
      const rows = await fills(result.orderId);
      assert.ok(rows.length >= 3, `12,000 shares need at least three fills of ≤ 5,000 (got ${rows.length})`);
      const sold = rows.reduce((s, r) => s.add(dec(r.quantity)), Decimal.ZERO);
      assert.equal(sold.toString(), held.toString());
      const proceeds = rows.reduce((s, r) => s.add(dec(r.quantity).mul(dec(r.price))), Decimal.ZERO);
      assert.equal((await balances(c)).reservedForOrders, '0.00');
      await assertLedgerBalanced(c, dec('1000000').sub(held.mul(price)).add(proceeds));
    });
  });
}
