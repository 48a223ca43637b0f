import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { SessionPrincipal } from '../../../src/policy/principal.ts';
import { Decimal, dec } from '../../../src/trading/decimal.ts';
import { sessionPrincipal } from '../../support/authn.ts';
import { ALL_DBS } from '../../support/databases.ts';
import { createUser, type Harness } from '../../support/harness.ts';
import { tradingHarness } from './support.ts';

type Cmd =
  | { kind: 'deposit'; amount: number }
  | { kind: 'buy'; symbol: string; qty: number; offsetTicks: number }
  | { kind: 'sell'; symbol: string; qty: number; offsetTicks: number }
  | { kind: 'cancel_all' }
  | { kind: 'quotes'; steps: number }
  | { kind: 'withdraw'; amount: number }
  | { kind: 'cancel_withdrawal' };

const SYMBOLS = ['AAPL', 'KO', 'SPY'];
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({
    kind: fc.constant('buy' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    qty: fc.integer({ min: 1, max: 400 }),
    offsetTicks: fc.integer({ min: -3, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('sell' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    qty: fc.integer({ min: 1, max: 400 }),
    offsetTicks: fc.integer({ min: -3, max: 3 }),
  }),
  fc.constant({ kind: 'cancel_all' as const }),
  fc.record({ kind: fc.constant('quotes' as const), steps: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), amount: fc.integer({ min: 1, max: 9_000 }) }),
  fc.constant({ kind: 'cancel_withdrawal' as const }),
);

for (const db of ALL_DBS) {
  describe(`the cash ledger under any sequence of operations (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db, {
        PORTCULLIS_PAYEE_HOLD_HOURS: '0',
        PORTCULLIS_WITHDRAWAL_DELAY_SECONDS: '0',
      });
    });
    after(() => h.close());

    test('debits equal credits, storage agrees with memory, and a cash account never has negative free cash', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 25 }), async (cmds) => {
          const t = h.services.trading;
          const user = await createUser(h, `prop${++n}`);
          const account = await t.accounts.open(
            {
              ownerUserId: user.id,
              entityId: 'ent_us',
              name: 'p',
              accountType: 'cash',
              permissions: { stocks: true },
            },
            {},
          );
          await t.funds.deposit(account.id, dec('20000'), {});
          const principal = sessionPrincipal(user.id, {
            aal: 2,
            factors: [{ method: 'totp', at: h.clock.now }],
            createdAt: h.clock.now,
          });
          const payee = await t.funds.addPayee(
            principal,
            account.id,
            { name: 'Bank', destination: 'GB29NWBK60161331926819', currency: 'USD' },
            {},
          );
          for (const c of cmds) {
            await run(h, principal, account.id, payee.id, c);
            const book = await t.orders.book(account.id);
            assert.ok(book.ledger.debits.eq(book.ledger.credits), 'debits = credits');
            assert.ok(book.ledger.balance('cash').eq(book.state.cash), 'ledger cash = risk cash');
            assert.ok(
              !book.state.availableFunds().isNegative(),
              `free cash ${book.state.availableFunds()} ≥ 0`,
            );
            assert.ok(!book.state.cash.isNegative(), 'cash ≥ 0');
          }
          const rows = await h.services.store.db
            .selectFrom('ledger_entries')
            .select('amount')
            .where('account_id', '=', account.id)
            .execute();
          const sum = rows.reduce((s, r) => s.add(dec(r.amount)), Decimal.ZERO);
          assert.ok(sum.isZero(), 'stored postings sum to zero');
        }),
        { numRuns: db.kind === 'sqlite' ? 40 : 15 },
      );
      const fills = await h.services.store.db.selectFrom('fills').select('id').execute();
      const withdrawals = await h.services.store.db.selectFrom('withdrawals').select('status').execute();
      assert.ok(fills.length > 0, 'the sequences exercised fills');
      assert.ok(withdrawals.length > 0, 'the sequences exercised withdrawals');
    });
  });
}

async function run(
  h: Harness,
  principal: SessionPrincipal,
  accountId: string,
  payeeId: string,
  c: Cmd,
): Promise<void> {
  const t = h.services.trading;
  const ignore = (e: unknown) => {
    if (!(e instanceof Error) || !('code' in e)) throw e;
  };
  switch (c.kind) {
    case 'deposit':
      return t.funds.deposit(accountId, Decimal.from(c.amount), {});
    case 'buy':
    case 'sell': {
      const q = t.feed.getQuote(c.symbol)!;
      const tick = t.catalogue.get(c.symbol)!.tickSize;
      const price = (c.kind === 'buy' ? q.ask : q.bid).add(tick.mul(Decimal.from(c.offsetTicks)));
      const request = {
        symbol: c.symbol,
        side: c.kind,
        type: 'limit' as const,
        quantity: Decimal.from(c.qty),
        limitPrice: price,
        timeInForce: 'gtc' as const,
      };
      await t.orders.place(principal, accountId, request, undefined, {}).catch(ignore);
      return;
    }
    case 'cancel_all':
      await t.orders.cancelAll(principal, accountId, undefined, {});
      return;
    case 'quotes':
      return t.advanceQuotes(c.steps);
    case 'withdraw':
      await t.funds
        .requestWithdrawal(principal, accountId, { payeeId, amount: Decimal.from(c.amount) }, {})
        .catch(ignore);
      return;
    case 'cancel_withdrawal': {
      const list = await t.funds.listWithdrawals(principal, accountId);
      const open = list.find((w) => w.status === 'scheduled');
      if (open) await t.funds.cancelWithdrawal(principal, accountId, open.id, {}).catch(ignore);
      return;
    }
  }
}
