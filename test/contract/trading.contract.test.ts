import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { loadBook } from '../../src/trading/books.ts';
import { dec } from '../../src/trading/decimal.ts';
import { OPEN_ORDER_SQL } from '../../src/trading/order-model.ts';
import { tradingHarness } from '../http/trading/support.ts';
import { sessionPrincipal } from '../support/authn.ts';
import { ALL_DBS } from '../support/databases.ts';
import { createUser, type Harness } from '../support/harness.ts';

/** A user with a funded US stock account, its book, and the owner as caller. */
async function fundedStockAccount(h: Harness, name: string, cash: string) {
  const t = h.services.trading;
  const owner = await createUser(h, name);
  const a = await t.accounts.open(
    { ownerUserId: owner.id, entityId: 'ent_us', name, permissions: { stocks: true } },
    {},
  );
  await t.funds.deposit(a.id, dec(cash), {});
  const book = await t.orders.book(a.id);
  const caller = { userId: owner.id, actor: { role: 'owner' as const } };
  return { t, owner, a, book, caller };
}

for (const db of ALL_DBS) {
  describe(`trading storage contract (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db);
    });
    after(() => h.close());

    test('accounts, memberships and roles round-trip', async () => {
      const t = h.services.trading;
      const owner = await createUser(h, 'owner');
      const viewer = await createUser(h, 'viewer');
      const a = await t.accounts.open(
        {
          ownerUserId: owner.id,
          entityId: 'ent_eu',
          name: 'EU',
          permissions: { stocks: true, forecast: true },
        },
        {},
      );
      // A node caches memberships briefly; granting one through the repository is visible at once.
      assert.equal(await t.accounts.repo.roleOf(a.id, viewer.id), undefined);
      await t.accounts.grant(a.id, viewer.id, 'viewer', {});
      const found = await t.accounts.repo.find(a.id);
      assert.equal(Object.isFrozen(found), true, 'cached records are read-only');
      assert.equal(found?.entityId, 'ent_eu');
      assert.equal(found?.permissions.forecast, false, 'the EU entity does not offer forecast contracts');
      assert.equal(await t.accounts.repo.roleOf(a.id, viewer.id), 'viewer');
      assert.equal(await t.accounts.repo.roleOf(a.id, 'usr_nobody'), undefined);
      assert.deepEqual(
        (await t.accounts.repo.listForUser(viewer.id)).map((x) => x.role),
        ['viewer'],
      );
      await t.accounts.repo.setTradingState(a.id, 'HALTED', 123, 456);
      const halted = await t.accounts.repo.find(a.id);
      assert.equal(halted?.tradingState, 'HALTED');
      assert.equal(halted?.haltedAt, 123);
    });

    test('a book reloaded from storage equals the one built in memory', async () => {
      const { t, a, book, caller } = await fundedStockAccount(h, 'reload', '250000');
      const q = t.feed.getQuote('AAPL')!;
      await t.engine.place(
        book,
        caller,
        {
          symbol: 'AAPL',
          side: 'buy',
          type: 'limit',
          quantity: dec('30'),
          limitPrice: q.ask,
          timeInForce: 'day',
        },
        'c1',
        {},
      );
      await t.engine.place(
        book,
        caller,
        {
          symbol: 'AAPL',
          side: 'sell',
          type: 'limit',
          quantity: dec('10'),
          limitPrice: q.bid,
          timeInForce: 'day',
        },
        'c2',
        {},
      );
      await t.engine.place(
        book,
        caller,
        {
          symbol: 'KO',
          side: 'buy',
          type: 'limit',
          quantity: dec('5'),
          limitPrice: t.feed.getQuote('KO')!.bid.sub(dec('1')),
          timeInForce: 'gtc',
        },
        'c3',
        {},
      );
      const account = (await t.accounts.repo.find(a.id))!;
      const reloaded = await loadBook(
        h.services.store.db,
        account,
        t.accounts.entity('ent_us'),
        t.engine.env(),
      );
      assert.ok(reloaded.state.cash.eq(book.state.cash));
      assert.ok(reloaded.state.positionQuantity('AAPL').eq(dec('20')));
      assert.ok(reloaded.state.position('AAPL')!.cost.eq(book.state.position('AAPL')!.cost));
      assert.equal(reloaded.open.size, 1);
      assert.ok(reloaded.realised.get('AAPL')!.eq(book.realised.get('AAPL')!));
      assert.deepEqual([...reloaded.clientIds.keys()].sort(), ['c1', 'c2', 'c3']);
      assert.ok(reloaded.ledger.debits.eq(reloaded.ledger.credits));
    });

    test('orders written in one group commit are all stored, with fills merged into their insert', async () => {
      const { t, a, book, caller } = await fundedStockAccount(h, 'batch', '1000000');
      const ask = t.feed.getQuote('MSFT')!.ask;
      const placed = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.engine.place(
            book,
            caller,
            {
              symbol: 'MSFT',
              side: 'buy',
              type: 'limit',
              quantity: dec(String(i + 1)),
              limitPrice: ask,
              timeInForce: 'day',
            },
            `b${i}`,
            {},
          ),
        ),
      );
      const rows = await h.services.store.db
        .selectFrom('orders')
        .selectAll()
        .where('account_id', '=', a.id)
        .execute();
      assert.equal(rows.length, 20);
      assert.ok(rows.every((r) => r.status === 'filled'));
      assert.equal(placed.length, 20);
      const fills = await h.services.store.db
        .selectFrom('fills')
        .select('id')
        .where('account_id', '=', a.id)
        .execute();
      assert.equal(fills.length, 20);
    });

    test('open orders are read through the partial index of open orders only', async () => {
      const { t, owner, a, book, caller } = await fundedStockAccount(h, 'resting', '1000000');
      const q = t.feed.getQuote('AAPL')!;
      const order = (limitPrice: typeof q.ask, id: string) =>
        t.engine.place(
          book,
          caller,
          { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: dec('1'), limitPrice, timeInForce: 'day' },
          id,
          {},
        );
      await order(q.ask, 'filled-1');
      const resting = await order(q.bid.sub(dec('1')), 'resting-1');
      const open = await t.orders.list(sessionPrincipal(owner.id), a.id, 'open', 100);
      assert.deepEqual(
        open.map((o) => o.id),
        [resting.order.id],
      );
      const query = h.services.store.db
        .selectFrom('orders')
        .select('id')
        .where('account_id', '=', a.id)
        .where(OPEN_ORDER_SQL)
        .compile();
      const plan = await h.services.store.db.transaction().execute(async (trx) => {
        if (db.kind === 'sqlite') {
          const r = await trx.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
          );
          return r.rows.map((row) => row.detail).join('\n');
        }
        // On a table this small PostgreSQL would scan it; forbid that to see which index it picks.
        await sql`set local enable_seqscan = off`.execute(trx);
        const r = await trx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
        );
        return r.rows.map((row) => row['QUERY PLAN']).join('\n');
      });
      assert.match(plan, /orders_open/, plan);
    });
  });
}
