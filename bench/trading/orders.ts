/**
 * Accepted, persisted orders per second through the order service (risk
 * pipeline on the in-memory state, group-committed rows, audit of each
 * acceptance), on SQLite (a WAL file) and PostgreSQL, and the kill switch on
 * an account with 10,000 open orders: time until every order is cancelled
 * (committed) and the kill-switch listeners (credential suspension) have run.
 * The HTTP layer and session checks are excluded (see the `me` benchmark).
 *
 * Run directly: node bench/trading/orders.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createServices, type Services } from '../../src/container.ts';
import type { SessionPrincipal } from '../../src/policy/principal.ts';
import { openStore } from '../../src/store/index.ts';
import type { AccountBook } from '../../src/trading/books.ts';
import { Decimal, dec } from '../../src/trading/decimal.ts';
import type { OrderRequest } from '../../src/trading/orders.ts';
import { testConfig } from '../../test/support/harness.ts';

const PG_URL = process.env['PORTCULLIS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Monday 2026-11-23 10:00 New York. */
const START = Date.parse('2026-11-23T15:00:00Z');

export interface OrdersBenchResult {
  sqliteOrdersPerSecond: number;
  postgresOrdersPerSecond: number;
  orders: number;
  accounts: number;
  killSwitchMs: number;
  killSwitchOrders: number;
}

async function withServices<T>(
  kind: 'sqlite' | 'postgres',
  fn: (s: Services, clock: { now: number }) => Promise<T>,
): Promise<T> {
  const clock = { now: START };
  let drop = async () => {};
  let url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'pc-bench-')), 'bench.sqlite')}`;
  let schema: string | undefined;
  if (kind === 'postgres') {
    schema = `pc_bench_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
    url = PG_URL;
    drop = async () => {
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`drop schema ${schema} cascade`);
      await d.end();
    };
  }
  const store = openStore(url, schema ? { searchPath: schema, poolSize: 8 } : {});
  const services = await createServices(testConfig({ PORTCULLIS_QUOTE_INTERVAL_MS: '0' }), {
    store,
    now: () => clock.now,
  });
  try {
    return await fn(services, clock);
  } finally {
    services.trading.stop();
    await services.close();
    await drop();
  }
}

async function heavyAccounts(s: Services, n: number): Promise<{ books: AccountBook[]; userId: string }> {
  const user = await s.identity.createUser({
    loginName: 'bench',
    email: 'bench@example.com',
    password: 'correct horse battery staple 42',
  });
  const books: AccountBook[] = [];
  for (let i = 0; i < n; i++) {
    const a = await s.trading.accounts.open(
      { ownerUserId: user.id, entityId: 'ent_us', name: `bench ${i}`, permissions: { stocks: true } },
      {},
    );
    await s.trading.funds.deposit(a.id, dec('1000000000'), {});
    const book = await s.trading.orders.book(a.id);
    book.setAccount({
      ...book.account,
      limits: {
        maxOrderNotional: '100000000',
        maxOpenOrders: 20_000,
        dailyLossLimit: '1000000',
        maxOrdersPerSecond: 1_000,
      },
    });
    books.push(book);
  }
  return { books, userId: user.id };
}

/** A resting buy (never marketable), different on every call so the duplicate check stays quiet. */
function restingOrder(s: Services, i: number): OrderRequest {
  const symbols = ['AAPL', 'MSFT', 'KO', 'JPM', 'XOM'];
  const symbol = symbols[i % symbols.length]!;
  const bid = s.trading.feed.getQuote(symbol)!.bid;
  const price = bid.sub(Decimal.of(BigInt(5 + (i % 97)), 2));
  return {
    symbol,
    side: 'buy',
    type: 'limit',
    quantity: Decimal.from(1 + (i % 50)),
    limitPrice: price,
    timeInForce: 'gtc',
  };
}

async function throughput(
  kind: 'sqlite' | 'postgres',
  orders: number,
  accounts: number,
  concurrency: number,
): Promise<number> {
  return withServices(kind, async (s, clock) => {
    const { books, userId } = await heavyAccounts(s, accounts);
    const caller = { userId, actor: { role: 'owner' as const } };
    let next = 0;
    const started = process.hrtime.bigint();
    const worker = async () => {
      while (next < orders) {
        const i = next++;
        if (i % 500 === 0) clock.now += 1_000; // keep each account under its 1,000/s throttle
        await s.trading.engine.place(books[i % accounts]!, caller, restingOrder(s, i), undefined, {});
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stored = await s.store.db
      .selectFrom('orders')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== orders) throw new Error(`stored ${stored.n} of ${orders} orders`);
    return orders / seconds;
  });
}

async function killSwitch(openOrders: number): Promise<number> {
  return withServices('sqlite', async (s, clock) => {
    const { books, userId } = await heavyAccounts(s, 1);
    const book = books[0]!;
    const caller = { userId, actor: { role: 'owner' as const } };
    let next = 0;
    const worker = async () => {
      while (next < openOrders) {
        const i = next++;
        if (i % 500 === 0) clock.now += 1_000;
        await s.trading.engine.place(book, caller, restingOrder(s, i), undefined, {});
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    if (book.open.size !== openOrders) throw new Error(`only ${book.open.size} open orders`);
    const principal: SessionPrincipal = {
      kind: 'session',
      userId,
      sessionId: 'ses_bench',
      interface: 'mobile',
      deviceId: null,
      aal: 1,
      factors: [],
      isAdmin: false,
      createdAt: clock.now,
    };
    const started = process.hrtime.bigint();
    const r = await s.trading.killSwitch(book.account.id, principal, {}, {});
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.cancelledOrders !== openOrders || book.open.size !== 0)
      throw new Error('kill switch left orders open');
    return ms;
  });
}

export async function benchOrders(): Promise<OrdersBenchResult> {
  const orders = 20_000;
  const accounts = 10;
  const sqliteOrdersPerSecond = await throughput('sqlite', orders, accounts, 256);
  const postgresOrdersPerSecond = await throughput('postgres', orders, accounts, 256);
  const killSwitchMs = await killSwitch(10_000);
  return {
    sqliteOrdersPerSecond,
    postgresOrdersPerSecond,
    orders,
    accounts,
    killSwitchMs,
    killSwitchOrders: 10_000,
  };
}

if (import.meta.main) {
  console.log(await benchOrders());
}
