/**
 * One account's in-memory trading picture: its risk state (running totals),
 * open orders, idempotency keys, ledger balances and realised P&L. Loaded once
 * from storage per node, then kept in step by the engine; every change is
 * committed (group commit) before the caller is answered.
 */
import type { Kysely } from 'kysely';
import type { LegalEntity } from '../accounts/entities.ts';
import type { AccountLimits, AccountRecord } from '../accounts/model.ts';
import { AccountRiskState } from '../risk/state.ts';
import {
  type AccountProfile,
  type Actor,
  DEFAULT_RISK_LIMITS,
  type PriceSource,
  type RiskContext,
  type RiskLimits,
} from '../risk/types.ts';
import type { Database } from '../store/schema.ts';
import type { InstrumentCatalogue } from './catalogue.ts';
import { Decimal, dec } from './decimal.ts';
import type { AssetClass } from './instruments.ts';
import { type Book, LedgerBalances } from './ledger.ts';
import { fromRow, OPEN_STATUSES, type OrderRecord, type OrderStatus } from './order-model.ts';

export class AccountBook {
  account: AccountRecord;
  readonly entity: LegalEntity;
  readonly state: AccountRiskState;
  readonly open = new Map<string, OrderRecord>();
  readonly clientIds = new Map<string, { id: string; hash: string }>();
  readonly ledger = new LedgerBalances();
  readonly realised = new Map<string, Decimal>();
  limits: RiskLimits;
  profile: AccountProfile;

  constructor(account: AccountRecord, entity: LegalEntity, cash: Decimal) {
    this.account = account;
    this.entity = entity;
    this.state = new AccountRiskState({ cash, tradingState: account.tradingState });
    this.limits = riskLimitsOf(account.limits);
    this.profile = profileOf(account, entity);
  }

  setAccount(account: AccountRecord): void {
    this.account = account;
    this.limits = riskLimitsOf(account.limits);
    this.profile = profileOf(account, this.entity);
  }

  context(
    env: { now: number; catalogue: InstrumentCatalogue; prices: PriceSource },
    actor: Actor,
  ): RiskContext {
    return { ...env, account: this.profile, actor, limits: this.limits };
  }
}

function profileOf(account: AccountRecord, entity: LegalEntity): AccountProfile {
  return { accountType: account.accountType, permissions: account.permissions, region: entity.region };
}

/** The account's own limits over the conservative defaults (the lower of the two per asset class). */
export function riskLimitsOf(l: AccountLimits): RiskLimits {
  const cap = dec(l.maxOrderNotional);
  const perClass = Object.fromEntries(
    Object.entries(DEFAULT_RISK_LIMITS.maxOrderNotional).map(([k, v]) => [k, Decimal.min(v, cap)]),
  ) as Record<AssetClass, Decimal>;
  return {
    ...DEFAULT_RISK_LIMITS,
    maxOrderNotional: perClass,
    maxOpenOrders: l.maxOpenOrders,
    dailyLossLimit: dec(l.dailyLossLimit),
    throttle: { maxOrders: l.maxOrdersPerSecond, windowMs: 1_000 },
  };
}

/** Reads an account's orders, positions and ledger and rebuilds its book. */
export async function loadBook(
  db: Kysely<Database>,
  account: AccountRecord,
  entity: LegalEntity,
  env: { now: number; catalogue: InstrumentCatalogue; prices: PriceSource },
): Promise<AccountBook> {
  const [entries, positions, orders] = await Promise.all([
    db
      .selectFrom('ledger_entries')
      .select(['book', 'amount', 'kind'])
      .where('account_id', '=', account.id)
      .execute(),
    db.selectFrom('positions').selectAll().where('account_id', '=', account.id).execute(),
    db.selectFrom('orders').selectAll().where('account_id', '=', account.id).execute(),
  ]);
  const ledger = new LedgerBalances();
  for (const e of entries) {
    ledger.apply({ kind: 'deposit', ref: null, postings: [{ book: e.book as Book, amount: dec(e.amount) }] });
  }
  const book = new AccountBook(account, entity, ledger.balance('cash'));
  for (const e of entries) {
    book.ledger.apply({
      kind: 'deposit',
      ref: null,
      postings: [{ book: e.book as Book, amount: dec(e.amount) }],
    });
  }
  const ctx = book.context(env, { role: 'owner' });
  for (const p of positions) {
    const quantity = dec(p.quantity);
    book.realised.set(p.symbol, dec(p.realised));
    if (quantity.isZero() || !env.catalogue.has(p.symbol)) continue;
    const cost = dec(p.cost);
    const mark = env.prices.referencePrice(p.symbol) ?? cost.div(quantity, 8, 'half-even');
    book.state.seedPosition(p.symbol, quantity, mark, ctx, cost);
  }
  for (const r of orders) {
    book.clientIds.set(r.client_order_id, { id: r.id, hash: r.request_hash });
    if (!OPEN_STATUSES.has(r.status as OrderStatus)) continue;
    const o = fromRow(r);
    const remaining = o.request.quantity.sub(o.filledQuantity);
    book.open.set(o.id, o);
    book.state.recordAccepted(o.id, { ...o.request, quantity: remaining }, { ...ctx, now: o.createdAt });
  }
  return book;
}
