/**
 * Money in and out: deposits (service level), payees with a hold, and
 * withdrawals that respect the entity's per-factor daily limit, need a second
 * approval above a threshold, and can be cancelled during a delay window.
 * Money on its way out sits in the `withdrawal_hold` book until it completes.
 */

import { FACTOR_TIERS, strongestTier } from '../accounts/entities.ts';
import { type AccountAccess, type AccountService, requireRole } from '../accounts/service.ts';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { SessionPrincipal } from '../policy/principal.ts';
import type { Store } from '../store/db.ts';
import type { KeyRing } from '../store/envelope.ts';
import { newId } from '../store/ids.ts';
import { Decimal } from './decimal.ts';
import type { TradingEngine } from './engine.ts';
import { transfer } from './ledger.ts';
import { type AuthnPorts, enforce, notifyAll } from './ports.ts';
import type { OrderService } from './service.ts';
import type { PayeesTable, WithdrawalsTable } from './tables.ts';

export interface FundsOptions {
  payeeHoldMs: number;
  withdrawalDelayMs: number;
  approvalThreshold: Decimal;
}

const DAY_MS = 86_400_000;

export function payeeView(p: PayeesTable, now: number) {
  return {
    id: p.id,
    name: p.name,
    destination: `••••${p.destination_last4}`,
    currency: p.currency,
    holdUntil: new Date(Number(p.hold_until)).toISOString(),
    onHold: now < Number(p.hold_until),
    createdAt: new Date(Number(p.created_at)).toISOString(),
  };
}

export function withdrawalView(w: WithdrawalsTable) {
  return {
    id: w.id,
    payeeId: w.payee_id,
    amount: w.amount,
    currency: w.currency,
    status: w.status,
    approvalId: w.approval_id,
    factor: w.factor,
    releaseAt: new Date(Number(w.release_at)).toISOString(),
    createdAt: new Date(Number(w.created_at)).toISOString(),
  };
}

export class FundsService {
  readonly #store: Store;
  readonly #accounts: AccountService;
  readonly #orders: OrderService;
  readonly #engine: TradingEngine;
  readonly #audit: AuditTrail;
  readonly #ports: AuthnPorts;
  readonly #keys: KeyRing;
  readonly #now: () => number;
  readonly #o: FundsOptions;

  constructor(deps: {
    store: Store;
    accounts: AccountService;
    orders: OrderService;
    engine: TradingEngine;
    audit: AuditTrail;
    ports: AuthnPorts;
    keyRing: KeyRing;
    now: () => number;
    options: FundsOptions;
  }) {
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#orders = deps.orders;
    this.#engine = deps.engine;
    this.#audit = deps.audit;
    this.#ports = deps.ports;
    this.#keys = deps.keyRing;
    this.#now = deps.now;
    this.#o = deps.options;
  }

  /** Credits cash from outside (funding a paper account). */
  async deposit(accountId: string, amount: Decimal, ctx: AuditContext): Promise<void> {
    if (!amount.isPositive()) throw new TypeError('deposit must be positive');
    const book = await this.#orders.book(accountId);
    await this.#engine.postCash(book, transfer('deposit', null, 'external', 'cash', amount));
    await this.#audit.record({
      ...ctx,
      name: 'funds.deposited',
      outcome: 'success',
      data: { accountId, amount: amount.toString() },
    });
  }

  async addPayee(
    principal: SessionPrincipal,
    accountId: string,
    input: { name: string; destination: string; currency: string },
    ctx: AuditContext,
  ) {
    const access = await this.#accounts.access(principal, accountId);
    requireRole(access, ['owner'], 'add_payee');
    await enforce(this.#ports, principal, 'add_payee', { accountId }, ctx);
    const now = this.#now();
    const id = newId('pay');
    const row: PayeesTable = {
      id,
      account_id: accountId,
      name: input.name,
      destination_sealed: this.#keys.seal(input.destination, `payee:${id}`),
      destination_last4: input.destination.slice(-4),
      currency: input.currency,
      hold_until: now + this.#o.payeeHoldMs,
      created_by: principal.userId,
      created_at: now,
    };
    await this.#store.db.insertInto('payees').values(row).execute();
    await this.#audit.record({
      ...ctx,
      name: 'payee.added',
      outcome: 'success',
      data: { accountId, payeeId: id },
    });
    const members = await this.#accounts.repo.members(accountId);
    await notifyAll(
      this.#ports,
      members.map((m) => m.userId),
      {
        kind: 'payee_added',
        title: 'New payee added',
        body: `${input.name} can receive funds after its hold.`,
        data: { accountId, payeeId: id },
      },
    );
    return payeeView(row, now);
  }

  async listPayees(principal: SessionPrincipal, accountId: string) {
    await this.#accounts.access(principal, accountId);
    const rows = await this.#store.db
      .selectFrom('payees')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .execute();
    const now = this.#now();
    return rows.map((r) => payeeView(r, now));
  }

  async requestWithdrawal(
    principal: SessionPrincipal,
    accountId: string,
    input: { payeeId: string; amount: Decimal },
    ctx: AuditContext,
  ) {
    const access = await this.#accounts.access(principal, accountId);
    requireRole(access, ['owner'], 'withdraw');
    const now = this.#now();
    const payee = await this.#store.db
      .selectFrom('payees')
      .selectAll()
      .where('id', '=', input.payeeId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!payee) throw new AppError('PAYEE_NOT_FOUND');
    if (now < Number(payee.hold_until)) {
      throw new AppError('PAYEE_ON_HOLD', {
        details: { holdUntil: new Date(Number(payee.hold_until)).toISOString() },
      });
    }
    const book = await this.#orders.book(accountId);
    const available = Decimal.min(book.state.availableFunds(), book.state.cash);
    if (input.amount.gt(available)) {
      throw new AppError('INSUFFICIENT_FUNDS', {
        details: { amount: input.amount.toString(), available: available.toString() },
      });
    }
    const { factor, limit, used } = await this.#today(principal, access, now);
    if (used.add(input.amount).gt(limit)) {
      throw new AppError('WITHDRAWAL_LIMIT_EXCEEDED', {
        details: {
          factor,
          limit: limit.toString(),
          usedToday: used.toString(),
          amount: input.amount.toString(),
        },
      });
    }
    await enforce(
      this.#ports,
      principal,
      'withdraw',
      { accountId, amount: input.amount.toString(), currency: access.account.baseCurrency },
      ctx,
    );
    return this.#create(principal, book.account.id, payee, input.amount, factor, ctx);
  }

  async #create(
    principal: SessionPrincipal,
    accountId: string,
    payee: PayeesTable,
    amount: Decimal,
    factor: string,
    ctx: AuditContext,
  ) {
    const now = this.#now();
    const id = newId('wdr');
    const book = await this.#orders.book(accountId);
    const needsApproval = amount.gte(this.#o.approvalThreshold);
    let approvalId: string | null = null;
    let approvalNumber: number | undefined;
    if (needsApproval && this.#ports.approvals) {
      const words = `Withdraw ${book.account.baseCurrency} ${amount.toFixed(2)} to ${payee.name}`;
      const push = await this.#ports.approvals.request({ userId: principal.userId, words, accountId, ctx });
      approvalId = push.challengeId;
      approvalNumber = push.number;
    }
    const row: WithdrawalsTable = {
      id,
      account_id: accountId,
      payee_id: payee.id,
      amount: amount.toString(),
      currency: book.account.baseCurrency,
      status: needsApproval ? 'pending_approval' : 'scheduled',
      approval_id: approvalId,
      factor,
      requested_by: principal.userId,
      release_at: now + this.#o.withdrawalDelayMs,
      created_at: now,
      updated_at: now,
    };
    await this.#store.db.insertInto('withdrawals').values(row).execute();
    await this.#engine.postCash(book, transfer('withdrawal_hold', id, 'cash', 'withdrawal_hold', amount));
    await this.#audit.record({
      ...ctx,
      name: 'withdrawal.requested',
      outcome: 'success',
      data: { accountId, withdrawalId: id, amount: row.amount, factor, needsApproval },
    });
    // The number is shown on the requesting screen; the phone must pick the same one.
    return { ...withdrawalView(row), ...(approvalNumber === undefined ? {} : { approvalNumber }) };
  }

  /**
   * What the caller may withdraw today, shown before submitting: this session's limit (and every
   * tier's), what is used, the free cash, and the amount from which the phone must approve.
   */
  async withdrawalLimits(principal: SessionPrincipal, accountId: string) {
    const access = await this.#accounts.access(principal, accountId);
    requireRole(access, ['owner'], 'withdraw');
    const book = await this.#orders.book(accountId);
    const { factor, limit, used } = await this.#today(principal, access, this.#now());
    const left = limit.sub(used);
    return {
      currency: access.account.baseCurrency,
      factor,
      limit: limit.toString(),
      usedToday: used.toString(),
      remainingToday: (left.isNegative() ? Decimal.ZERO : left).toString(),
      available: Decimal.max(
        Decimal.ZERO,
        Decimal.min(book.state.availableFunds(), book.state.cash),
      ).toString(),
      approvalAbove: this.#o.approvalThreshold.toString(),
      // Weakest first, so the last entry is what the strongest factor allows.
      byFactor: Object.fromEntries(
        FACTOR_TIERS.map((t) => [t, access.entity.withdrawalLimits[t].toString()]),
      ),
    };
  }

  /** The daily limit of the session's strongest factor, and what today's withdrawals used of it. */
  async #today(principal: SessionPrincipal, access: AccountAccess, now: number) {
    const factor = strongestTier(principal.factors.map((f) => f.method));
    const limit = access.entity.withdrawalLimits[factor];
    return { factor, limit, used: await this.#usedToday(access.account.id, now) };
  }

  async #usedToday(accountId: string, now: number): Promise<Decimal> {
    const rows = await this.#store.db
      .selectFrom('withdrawals')
      .select('amount')
      .where('account_id', '=', accountId)
      .where('created_at', '>=', now - (now % DAY_MS))
      .where('status', 'not in', ['cancelled', 'denied'])
      .execute();
    return rows.reduce((sum, r) => sum.add(Decimal.parse(r.amount)), Decimal.ZERO);
  }

  async listWithdrawals(principal: SessionPrincipal, accountId: string) {
    await this.#accounts.access(principal, accountId);
    await this.settle();
    const rows = await this.#store.db
      .selectFrom('withdrawals')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(withdrawalView);
  }

  /** Cancels a withdrawal still awaiting approval or inside its delay window; the hold returns to cash. */
  async cancelWithdrawal(principal: SessionPrincipal, accountId: string, id: string, ctx: AuditContext) {
    const access = await this.#accounts.access(principal, accountId);
    requireRole(access, ['owner'], 'cancel_withdrawal');
    await this.settle();
    const w = await this.#find(accountId, id);
    if (w.status !== 'pending_approval' && w.status !== 'scheduled')
      throw new AppError('WITHDRAWAL_NOT_CANCELLABLE', { details: { status: w.status } });
    await this.#finish(w, 'cancelled', ctx);
    return withdrawalView({ ...w, status: 'cancelled' });
  }

  async #find(accountId: string, id: string): Promise<WithdrawalsTable> {
    const w = await this.#store.db
      .selectFrom('withdrawals')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!w) throw new AppError('WITHDRAWAL_NOT_FOUND');
    return w;
  }

  /** Ends a withdrawal: completed (hold → external) or cancelled/denied (hold → cash). */
  async #finish(
    w: WithdrawalsTable,
    status: 'completed' | 'cancelled' | 'denied',
    ctx: AuditContext,
  ): Promise<void> {
    const now = this.#now();
    const updated = await this.#store.db
      .updateTable('withdrawals')
      .set({ status, updated_at: now })
      .where('id', '=', w.id)
      .where('status', '=', w.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return; // someone else finished it
    const book = await this.#orders.book(w.account_id);
    const amount = Decimal.parse(w.amount);
    const txn =
      status === 'completed'
        ? transfer('withdrawal_complete', w.id, 'withdrawal_hold', 'external', amount)
        : transfer('withdrawal_release', w.id, 'withdrawal_hold', 'cash', amount);
    await this.#engine.postCash(book, txn);
    await this.#audit.record({
      ...ctx,
      name: `withdrawal.${status}`,
      outcome: 'success',
      data: { accountId: w.account_id, withdrawalId: w.id },
    });
  }

  /** Completes scheduled withdrawals whose delay window has passed. */
  async settle(): Promise<number> {
    const due = await this.#store.db
      .selectFrom('withdrawals')
      .selectAll()
      .where('status', '=', 'scheduled')
      .where('release_at', '<=', this.#now())
      .execute();
    for (const w of due) await this.#finish(w, 'completed', {});
    return due.length;
  }

  /** The second approval's answer: approved ⇒ scheduled; denied or expired ⇒ hold released. */
  async onApproval(challengeId: string, outcome: 'approved' | 'denied' | 'expired'): Promise<void> {
    const w = await this.#store.db
      .selectFrom('withdrawals')
      .selectAll()
      .where('approval_id', '=', challengeId)
      .executeTakeFirst();
    if (w?.status !== 'pending_approval') return;
    if (outcome === 'approved') {
      const now = this.#now();
      await this.#store.db
        .updateTable('withdrawals')
        .set({ status: 'scheduled', release_at: now + this.#o.withdrawalDelayMs, updated_at: now })
        .where('id', '=', w.id)
        .execute();
      await this.#audit.record({
        name: 'withdrawal.approved',
        outcome: 'success',
        data: { accountId: w.account_id, withdrawalId: w.id },
      });
    } else {
      await this.#finish(w, 'denied', {});
    }
  }
}
