/**
 * The account-facing order service: resolves the caller's access, applies
 * friction (policy) to risk-adding orders only, and drives the engine.
 * Cancel, cancel-all and flatten never ask for step-up and work in every
 * trading state.
 */

import type { AccountAccess, AccountService } from '../accounts/service.ts';
import { requireRole } from '../accounts/service.ts';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { Principal } from '../policy/principal.ts';
import { actorOf } from '../risk/credential-actor.ts';
import { isReducing } from '../risk/exposure.ts';
import type { PipelineResult } from '../risk/pipeline.ts';
import type { Role } from '../risk/types.ts';
import type { Store } from '../store/db.ts';
import { type AccountBook, loadBook } from './books.ts';
import { type Decimal, dec } from './decimal.ts';
import type { Caller, TradingEngine } from './engine.ts';
import { fromRow, OPEN_ORDER_SQL, type OrderView, orderView } from './order-model.ts';
import type { OrderRequest } from './orders.ts';
import { type AuthnPorts, admit } from './ports.ts';

const TRADE_ROLES: readonly Role[] = ['owner', 'trader', 'advisor'];
/** A flatten succeeded when its order filled or is still working the rest of the position. */
const FLATTEN_WORKING: ReadonlySet<string> = new Set(['filled', 'partially_filled', 'accepted']);

export interface FlattenResult {
  symbol: string;
  quantity: string;
  orderId: string | null;
  status: string;
  code: string | null;
}

export class OrderService {
  readonly #store: Store;
  readonly #accounts: AccountService;
  readonly #engine: TradingEngine;
  readonly #ports: AuthnPorts;
  readonly #audit: AuditTrail | undefined;
  readonly #books = new Map<string, Promise<AccountBook>>();
  readonly #loaded = new Map<string, AccountBook>();

  constructor(deps: {
    store: Store;
    accounts: AccountService;
    engine: TradingEngine;
    ports: AuthnPorts;
    audit?: AuditTrail;
  }) {
    this.#audit = deps.audit;
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#engine = deps.engine;
    this.#ports = deps.ports;
  }

  /** The account's in-memory book, loaded once per node. */
  book(accountId: string): Promise<AccountBook> {
    let p = this.#books.get(accountId);
    if (!p) {
      p = (async () => {
        const account = await this.#accounts.repo.find(accountId);
        if (!account) throw new AppError('ACCOUNT_NOT_FOUND');
        return loadBook(this.#store.db, account, this.#accounts.entity(account.entityId), this.#engine.env());
      })();
      p.then(
        (b) => this.#books.get(accountId) === p && this.#loaded.set(accountId, b),
        () => this.#books.delete(accountId),
      );
      this.#books.set(accountId, p);
    }
    return p;
  }

  evict(accountId: string): void {
    this.#books.delete(accountId);
    this.#loaded.delete(accountId);
  }

  /** Books loaded on this node (quotes mark their positions). */
  loadedBooks(): Iterable<AccountBook> {
    return this.#loaded.values();
  }

  async #open(
    principal: Principal,
    accountId: string,
  ): Promise<{ access: AccountAccess; book: AccountBook; caller: Caller }> {
    const access = await this.#accounts.access(principal, accountId);
    const book = await this.book(accountId);
    return { access, book, caller: { userId: principal.userId, actor: actorOf(principal, access.role) } };
  }

  #reducing(book: AccountBook, r: OrderRequest): boolean {
    return isReducing(
      r.side,
      r.quantity,
      book.state.positionQuantity(r.symbol),
      book.state.openQuantity(r.symbol, r.side),
    );
  }

  /**
   * Friction follows risk: a reducing order never meets step-up. Answers what
   * admitted the order (`reducing`, or the policy rules), which its own audit
   * event records.
   */
  async #friction(
    principal: Principal,
    access: AccountAccess,
    book: AccountBook,
    r: OrderRequest,
    ctx: AuditContext,
  ) {
    if (this.#reducing(book, r)) return 'reducing';
    const reference = this.#engine.env().prices.referencePrice(r.symbol);
    const notional = reference ? this.#engine.notional(r, reference) : undefined;
    const actionCtx = {
      accountId: access.account.id,
      currency: access.account.baseCurrency,
      ...(notional ? { amount: notional.toString() } : {}),
    };
    const rules = [await admit(this.#ports, principal, 'place_order', actionCtx, ctx)];
    if (access.account.accountType === 'margin' && notional && notional.gt(book.state.cash)) {
      rules.push(await admit(this.#ports, principal, 'use_margin', actionCtx, ctx));
    }
    return rules.filter((r) => r !== null).join(' ') || null;
  }

  async preview(
    principal: Principal,
    accountId: string,
    r: OrderRequest,
  ): Promise<PipelineResult & { reducing: boolean }> {
    const { book, caller } = await this.#open(principal, accountId);
    return { ...this.#engine.preview(book, caller, r), reducing: this.#reducing(book, r) };
  }

  async place(
    principal: Principal,
    accountId: string,
    r: OrderRequest,
    clientOrderId: string | undefined,
    ctx: AuditContext,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    const { access, book, caller } = await this.#open(principal, accountId);
    if (access.account.status !== 'active') throw new AppError('ACCOUNT_NOT_ACTIVE');
    const admitted = book.clientIds.has(clientOrderId ?? '')
      ? null // a replay: the original order's decision stands
      : await this.#friction(principal, access, book, r, ctx);
    const { order, replayed } = await this.#engine.place(book, caller, r, clientOrderId, ctx, admitted);
    return { order: replayed ? await this.get(principal, accountId, order.id) : orderView(order), replayed };
  }

  async get(principal: Principal, accountId: string, orderId: string): Promise<OrderView> {
    await this.#accounts.access(principal, accountId);
    const row = await this.#store.db
      .selectFrom('orders')
      .selectAll()
      .where('id', '=', orderId)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) throw new AppError('ORDER_NOT_FOUND');
    return orderView(fromRow(row));
  }

  async list(
    principal: Principal,
    accountId: string,
    status: 'open' | 'all',
    limit: number,
  ): Promise<OrderView[]> {
    await this.#accounts.access(principal, accountId);
    let q = this.#store.db
      .selectFrom('orders')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit);
    if (status === 'open') q = q.where(OPEN_ORDER_SQL);
    return (await q.execute()).map((r) => orderView(fromRow(r)));
  }

  async cancel(
    principal: Principal,
    accountId: string,
    orderId: string,
    ctx: AuditContext,
  ): Promise<OrderView> {
    const { access, book } = await this.#open(principal, accountId);
    requireRole(access, TRADE_ROLES, 'cancel_order');
    if (!book.open.has(orderId)) {
      await this.get(principal, accountId, orderId); // ORDER_NOT_FOUND if it never existed
      throw new AppError('ORDER_NOT_OPEN', { details: { orderId } });
    }
    return orderView(await this.#engine.cancel(book, orderId, 'cancelled_by_user', ctx));
  }

  async cancelAll(
    principal: Principal,
    accountId: string,
    symbol: string | undefined,
    ctx: AuditContext,
  ): Promise<number> {
    const { access, book } = await this.#open(principal, accountId);
    requireRole(access, TRADE_ROLES, 'cancel_order');
    return this.#engine.cancelAll(book, 'cancelled_by_user', ctx, symbol);
  }

  async modify(
    principal: Principal,
    accountId: string,
    orderId: string,
    patch: { quantity?: Decimal; limitPrice?: Decimal },
    ctx: AuditContext,
  ): Promise<OrderView> {
    const { access, book, caller } = await this.#open(principal, accountId);
    requireRole(access, TRADE_ROLES, 'modify_order');
    const order = book.open.get(orderId);
    if (!order) {
      await this.get(principal, accountId, orderId);
      throw new AppError('ORDER_NOT_OPEN', { details: { orderId } });
    }
    const grows = patch.quantity?.gt(order.request.quantity);
    if (grows)
      await this.#friction(
        principal,
        access,
        book,
        { ...order.request, quantity: patch.quantity!.sub(order.request.quantity) },
        ctx,
      );
    return orderView(await this.#engine.modify(book, caller, orderId, patch, ctx));
  }

  /**
   * Closes one or every position with market orders, in any trading state:
   * open orders of the symbol are cancelled first, then a reducing market
   * order runs the pipeline without the trading-state gate. The order is a
   * day order: what the displayed size does not fill at once keeps working
   * (`partially_filled`) on later quotes until the position is closed (or
   * the venue's day ends).
   */
  async flatten(
    principal: Principal,
    accountId: string,
    symbol: string | undefined,
    ctx: AuditContext,
  ): Promise<FlattenResult[]> {
    const { access, book, caller } = await this.#open(principal, accountId);
    requireRole(access, TRADE_ROLES, 'flatten');
    return this.flattenBook(book, caller, symbol, ctx);
  }

  async flattenBook(
    book: AccountBook,
    caller: Caller,
    symbol: string | undefined,
    ctx: AuditContext,
  ): Promise<FlattenResult[]> {
    const held = book.state.positions().filter((p) => symbol === undefined || p.symbol === symbol);
    const out: FlattenResult[] = [];
    for (const p of held) {
      if (book.open.size > 0) await this.#engine.cancelAll(book, 'flatten', ctx, p.symbol);
      const request: OrderRequest = {
        symbol: p.symbol,
        side: p.quantity.isPositive() ? 'sell' : 'buy',
        type: 'market',
        quantity: p.quantity.abs(),
        timeInForce: 'day',
        reduceOnly: true,
      };
      const result = await this.#flattenOne(book, caller, request, ctx);
      out.push(result);
      await this.#audit?.record({
        ...ctx,
        name: 'position.flattened',
        outcome: FLATTEN_WORKING.has(result.status) ? 'success' : 'failure',
        reason: result.code,
        data: {
          accountId: book.account.id,
          symbol: p.symbol,
          quantity: result.quantity,
          orderId: result.orderId,
        },
      });
    }
    return out;
  }

  async #flattenOne(
    book: AccountBook,
    caller: Caller,
    request: OrderRequest,
    ctx: AuditContext,
  ): Promise<FlattenResult> {
    const state = book.state.tradingState;
    const base = { symbol: request.symbol, quantity: request.quantity.toString() };
    try {
      // The trading-state gate does not apply to closing a position: lift it for this one order.
      if (state !== 'ACTIVE') book.state.setTradingState('ACTIVE', 'flatten');
      const placing = this.#engine.place(book, caller, request, undefined, ctx, 'flatten');
      if (state !== 'ACTIVE') book.state.setTradingState(state, 'flatten done');
      const { order } = await placing;
      return { ...base, orderId: order.id, status: order.status, code: order.reason };
    } catch (error) {
      if (book.state.tradingState !== state) book.state.setTradingState(state, 'flatten done');
      if (error instanceof AppError) return { ...base, orderId: null, status: 'rejected', code: error.code };
      throw error;
    }
  }

  /** Amount parsing shared by routes. */
  static decimal(text: string): Decimal {
    return dec(text);
  }
}
