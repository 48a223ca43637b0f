/**
 * The order path of the paper venue, per account:
 *
 * | step | what |
 * |---|---|
 * | 1 idempotency | same key + same content ⇒ the same order; other content ⇒ IDEMPOTENCY_CONFLICT |
 * | 2 risk | the pure pre-trade pipeline on the in-memory risk state; a denial is audited and thrown (422) |
 * | 3 accept | the order enters the risk state and the group commit |
 * | 4 execute | marketable ⇒ filled at the simulated bid/ask up to the displayed size; an IOC remainder expires; any other rests |
 * | 5 commit | the caller is answered once the batch holding its rows is committed |
 *
 * Resting orders are worked on every quote of their symbol. If a commit
 * fails, the account's book is dropped and reloaded from storage.
 *
 * (A little over 400 lines on purpose: every in-memory change of the order
 * path sits next to the row it stages, so the two cannot drift apart.)
 */
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import { formatDenial } from '../risk/codes.ts';
import { type PipelineResult, runPipeline } from '../risk/pipeline.ts';
import { applyFill, FLAT } from '../risk/positions.ts';
import type { Actor, PriceSource } from '../risk/types.ts';
import { newId } from '../store/ids.ts';
import type { AccountBook } from './books.ts';
import type { InstrumentCatalogue } from './catalogue.ts';
import { Decimal } from './decimal.ts';
import type { AccountEventHub } from './events.ts';
import type { GroupCommit } from './group-commit.ts';
import { isTradable } from './instruments.ts';
import { type LedgerTxn, transfer } from './ledger.ts';
import { ledgerRows, stageFillRows } from './ledger-rows.ts';
import { TouchLiquidity } from './liquidity.ts';
import {
  OPEN_ORDER_SQL,
  type OrderRecord,
  type OrderStatus,
  orderView,
  requestHash,
  toRow,
} from './order-model.ts';
import { notionalValue, type OrderRequest, signedQuantity } from './orders.ts';
import type { Quote, QuoteSource } from './quotes.ts';
import { denialError, RestingOrders } from './resting.ts';
import { dayOver, match } from './venue.ts';

export interface Caller {
  readonly userId: string;
  readonly actor: Actor;
}

export interface EngineDeps {
  readonly audit: AuditTrail;
  readonly commit: GroupCommit;
  readonly catalogue: InstrumentCatalogue;
  readonly quotes: QuoteSource;
  readonly prices: PriceSource;
  readonly hub: AccountEventHub;
  readonly now: () => number;
  /** Told of every risk denial (the credential circuit breaker listens). */
  readonly onDenied: (book: AccountBook, caller: Caller, code: string) => void;
  /** Drops a book whose commit failed, so the next access reloads it from storage. */
  readonly evict: (accountId: string) => void;
}

export class TradingEngine {
  readonly #d: EngineDeps;
  /** Resting orders by symbol, across accounts. */
  readonly #resting = new RestingOrders();
  /** What the current quotes still display at the touch. */
  readonly #liquidity = new TouchLiquidity();

  constructor(deps: EngineDeps) {
    this.#d = deps;
  }

  env() {
    return { now: this.#d.now(), catalogue: this.#d.catalogue, prices: this.#d.prices };
  }

  /** The risk decision for an order, without sending it. */
  preview(book: AccountBook, caller: Caller, request: OrderRequest): PipelineResult {
    return runPipeline(request, book.state, book.context(this.env(), caller.actor));
  }

  async place(
    book: AccountBook,
    caller: Caller,
    request: OrderRequest,
    clientOrderId: string | undefined,
    ctx: AuditContext,
    admitted: string | null = null,
  ): Promise<{ order: OrderRecord; replayed: boolean }> {
    const hash = requestHash(request);
    const key = clientOrderId ?? newId('cli');
    const seen = book.clientIds.get(key);
    if (seen) {
      if (seen.hash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT', { details: { clientOrderId: key } });
      return { order: book.open.get(seen.id) ?? { ...this.#placeholder(seen.id) }, replayed: true };
    }
    const riskCtx = book.context(this.env(), caller.actor);
    const result = runPipeline(request, book.state, riskCtx);
    if (!result.ok) {
      const { denial } = result;
      this.#d.onDenied(book, caller, denial.code);
      await this.#d.audit.record({
        ...ctx,
        name: 'order.denied',
        outcome: 'deny',
        reason: denial.code,
        data: {
          accountId: book.account.id,
          symbol: request.symbol,
          denial: formatDenial(denial),
          admittedBy: admitted,
        },
      });
      throw denialError(denial);
    }
    const order = this.#accept(book, caller, request, key, hash, riskCtx.now, ctx, admitted);
    this.#execute(book, order, this.#d.quotes.getQuote(request.symbol));
    await this.#commit(book);
    return { order, replayed: false };
  }

  #placeholder(id: string): OrderRecord {
    // Closed orders live in storage; the route reads them back by id.
    return { id } as OrderRecord;
  }

  #accept(
    book: AccountBook,
    caller: Caller,
    request: OrderRequest,
    key: string,
    hash: string,
    now: number,
    ctx: AuditContext,
    admitted: string | null,
  ): OrderRecord {
    const order: OrderRecord = {
      id: newId('ord'),
      accountId: book.account.id,
      clientOrderId: key,
      requestHash: hash,
      request,
      status: 'accepted',
      filledQuantity: Decimal.ZERO,
      filledValue: Decimal.ZERO,
      reason: null,
      credentialId: caller.actor.credential?.id ?? null,
      createdBy: caller.userId,
      createdAt: now,
      updatedAt: now,
      triggered: false,
    };
    book.state.recordAccepted(order.id, request, book.context(this.env(), caller.actor));
    book.open.set(order.id, order);
    book.clientIds.set(key, { id: order.id, hash });
    this.#d.commit.insertOrder(toRow(order));
    this.#d.commit.audit({
      ...ctx,
      name: 'order.accepted',
      outcome: 'success',
      data: {
        accountId: book.account.id,
        orderId: order.id,
        symbol: request.symbol,
        side: request.side,
        admittedBy: admitted,
      },
    });
    return order;
  }

  /**
   * Seeds an opening position as an accepted order filled at a given price,
   * without the pre-trade checks (demo and fixtures only; never on a request path).
   */
  async seedFill(
    book: AccountBook,
    caller: Caller,
    request: OrderRequest,
    price: Decimal,
    ctx: AuditContext,
  ): Promise<OrderRecord> {
    const order = this.#accept(
      book,
      caller,
      request,
      newId('cli'),
      requestHash(request),
      this.#d.now(),
      ctx,
      'seed',
    );
    this.#fill(book, order, request.quantity, price);
    await this.#commit(book);
    return order;
  }

  /** Executes what the quote allows; an IOC remainder then expires, any other remainder rests. */
  #execute(book: AccountBook, order: OrderRecord, quote: Quote | undefined): void {
    const m = quote ? match(order.request, quote, order.triggered) : { triggered: order.triggered };
    order.triggered = m.triggered;
    if (m.price !== undefined) this.#take(book, order, quote!, m.price);
    if (!book.open.has(order.id)) return; // filled, or rejected by the venue
    if (order.request.timeInForce !== 'ioc') this.#resting.add(book, order);
    else this.#close(book, order, 'expired', m.price ? 'DISPLAYED_SIZE_EXHAUSTED' : 'NOT_MARKETABLE');
  }

  /** Fills what the quote still displays at the touch (up to the remainder); false when nothing could. */
  #take(book: AccountBook, order: OrderRecord, quote: Quote, price: Decimal): boolean {
    const { side, quantity } = order.request;
    const qty = this.#liquidity.fillable(side, quote, quantity.sub(order.filledQuantity));
    if (!qty.isPositive()) return false;
    if (this.#fill(book, order, qty, price)) this.#liquidity.take(side, quote, qty);
    return true;
  }

  /** Fills `quantity` at `price` (false when a cash account cannot pay: the order is rejected). */
  #fill(book: AccountBook, order: OrderRecord, quantity: Decimal, price: Decimal): boolean {
    const { state } = book;
    const instrument = this.#d.catalogue.get(order.request.symbol)!;
    const signed = signedQuantity(order.request.side, quantity);
    const outcome = applyFill(instrument, state.position(instrument.symbol) ?? FLAT, signed, price);
    if (book.account.accountType === 'cash' && outcome.cashFlow.isNegative()) {
      const reserved = state.openOrder(order.id)?.reserved ?? Decimal.ZERO;
      if (state.availableFunds().add(reserved).add(outcome.cashFlow).isNegative()) {
        this.#close(book, order, 'rejected', 'INSUFFICIENT_BUYING_POWER');
        return false;
      }
    }
    const ctx = book.context(this.env(), { role: 'owner' });
    const now = ctx.now;
    const cashBefore = state.cash;
    state.recordFill(order.id, quantity, price, ctx);
    this.#post(book, transfer('fill', order.id, 'venue', 'cash', state.cash.sub(cashBefore)), now, false);
    const realised = (book.realised.get(instrument.symbol) ?? Decimal.ZERO).add(outcome.realised);
    book.realised.set(instrument.symbol, realised);
    stageFillRows(this.#d.commit, book, order, quantity, price, realised, now);
    order.filledQuantity = order.filledQuantity.add(quantity);
    order.filledValue = order.filledValue.add(quantity.mul(price));
    const done = order.filledQuantity.eq(order.request.quantity);
    this.#d.hub.emit({
      type: 'fill',
      accountId: book.account.id,
      data: {
        orderId: order.id,
        symbol: instrument.symbol,
        quantity: quantity.toString(),
        price: price.toString(),
      },
    });
    if (done) this.#close(book, order, 'filled', null, false);
    else this.#update(book, order, 'partially_filled', null);
    return true;
  }

  /** Applies a ledger transaction to the book (and the risk state's cash unless trading moved it already). */
  #post(book: AccountBook, txn: LedgerTxn, at: number, adjustState: boolean): void {
    if (txn.postings.length === 0) return;
    book.ledger.apply(txn);
    if (adjustState) {
      const cash = txn.postings.find((p) => p.book === 'cash');
      if (cash) book.state.adjustCash(cash.amount);
    }
    this.#d.commit.insertLedger(ledgerRows(book.account.id, book.account.baseCurrency, txn, at));
  }

  /** Posts a non-trading cash movement (deposit, withdrawal hold, release) and commits it. */
  async postCash(book: AccountBook, txn: LedgerTxn): Promise<void> {
    this.#post(book, txn, this.#d.now(), true);
    await this.#commit(book);
  }

  #update(book: AccountBook, order: OrderRecord, status: OrderStatus, reason: string | null): void {
    order.status = status;
    order.reason = reason;
    order.updatedAt = this.#d.now();
    this.#d.commit.updateOrder(order.id, {
      status,
      reason,
      filled_quantity: order.filledQuantity.toString(),
      average_price: toRow(order).average_price,
      updated_at: order.updatedAt,
    });
    this.#d.hub.emit({ type: 'order', accountId: book.account.id, data: orderView(order) });
  }

  /** Takes an order off the book: filled, cancelled, rejected or expired. */
  #close(
    book: AccountBook,
    order: OrderRecord,
    status: OrderStatus,
    reason: string | null,
    release = true,
  ): void {
    if (release) book.state.recordCancelled(order.id, book.context(this.env(), { role: 'owner' }));
    book.open.delete(order.id);
    this.#resting.remove(order);
    this.#update(book, order, status, reason);
  }

  async #commit(book: AccountBook): Promise<void> {
    try {
      await this.#d.commit.commit();
    } catch (error) {
      this.#evictBook(book);
      throw error;
    }
  }

  #evictBook(book: AccountBook): void {
    for (const o of book.open.values()) this.#resting.remove(o);
    this.#d.evict(book.account.id);
  }

  /** Cancels one open order (any role that can see orders may cancel; never step-up). */
  async cancel(book: AccountBook, orderId: string, reason: string, ctx: AuditContext): Promise<OrderRecord> {
    const order = book.open.get(orderId);
    if (!order) throw new AppError('ORDER_NOT_OPEN', { details: { orderId } });
    this.#close(book, order, 'cancelled', reason);
    this.#d.commit.audit({
      ...ctx,
      name: 'order.cancelled',
      outcome: 'success',
      reason,
      data: { accountId: book.account.id, orderId },
    });
    await this.#commit(book);
    return order;
  }

  /**
   * Cancels every open order (optionally of one symbol) with one UPDATE; the
   * kill switch and flatten use it. Returns the number cancelled.
   */
  async cancelAll(book: AccountBook, reason: string, ctx: AuditContext, symbol?: string): Promise<number> {
    const riskCtx = book.context(this.env(), { role: 'owner' });
    const now = riskCtx.now;
    const ids: string[] = [];
    for (const order of [...book.open.values()]) {
      if (symbol !== undefined && order.request.symbol !== symbol) continue;
      book.state.recordCancelled(order.id, riskCtx);
      book.open.delete(order.id);
      this.#resting.remove(order);
      order.status = 'cancelled';
      order.reason = reason;
      order.updatedAt = now;
      ids.push(order.id);
    }
    const accountId = book.account.id;
    if (ids.length > 0) {
      this.#d.commit.op(async (trx) => {
        let q = trx
          .updateTable('orders')
          .set({ status: 'cancelled', reason, updated_at: now })
          .where('account_id', '=', accountId)
          .where(OPEN_ORDER_SQL);
        if (symbol !== undefined) q = q.where('symbol', '=', symbol);
        await q.execute();
      });
    }
    this.#d.commit.audit({
      ...ctx,
      name: 'orders.cancelled_all',
      outcome: 'success',
      reason,
      data: { accountId, count: ids.length, symbol: symbol ?? null },
    });
    await this.#commit(book);
    this.#d.hub.emit({ type: 'order', accountId, data: { cancelled: ids.length, reason } });
    return ids.length;
  }

  /**
   * Replaces quantity and/or limit price of an open order: the old terms are
   * released, the new ones run the pipeline; on denial the old terms stand.
   */
  async modify(
    book: AccountBook,
    caller: Caller,
    orderId: string,
    patch: { quantity?: Decimal; limitPrice?: Decimal },
    ctx: AuditContext,
  ): Promise<OrderRecord> {
    const order = book.open.get(orderId);
    if (!order) throw new AppError('ORDER_NOT_OPEN', { details: { orderId } });
    const riskCtx = book.context(this.env(), caller.actor);
    const remainingOld = order.request.quantity.sub(order.filledQuantity);
    const next: OrderRequest = {
      ...order.request,
      ...(patch.quantity ? { quantity: patch.quantity } : {}),
      ...(patch.limitPrice ? { limitPrice: patch.limitPrice } : {}),
    };
    const remainingNew = next.quantity.sub(order.filledQuantity);
    if (!remainingNew.isPositive())
      throw new AppError('QUANTITY_NOT_POSITIVE', { details: { check: 'modify' } });
    book.state.recordCancelled(order.id, riskCtx);
    const result = runPipeline({ ...next, quantity: remainingNew }, book.state, {
      ...riskCtx,
      limits: { ...riskCtx.limits, duplicateWindowMs: 0 },
    });
    if (!result.ok) {
      book.state.recordAccepted(order.id, { ...order.request, quantity: remainingOld }, riskCtx);
      this.#d.onDenied(book, caller, result.denial.code);
      throw denialError(result.denial);
    }
    book.state.recordAccepted(order.id, { ...next, quantity: remainingNew }, riskCtx);
    order.request = next;
    this.#d.commit.updateOrder(order.id, {
      quantity: next.quantity.toString(),
      limit_price: next.limitPrice?.toString() ?? null,
      request_hash: requestHash(next),
    });
    this.#d.commit.audit({
      ...ctx,
      name: 'order.modified',
      outcome: 'success',
      data: { accountId: book.account.id, orderId },
    });
    this.#resting.remove(order);
    this.#execute(book, order, this.#d.quotes.getQuote(next.symbol));
    await this.#commit(book);
    return order;
  }

  /** Works the resting orders of a symbol against a new quote and marks positions. */
  onQuote(quote: Quote, books: Iterable<AccountBook>): Promise<void> | undefined {
    for (const book of books) {
      if (!book.state.positionQuantity(quote.symbol).isZero()) {
        book.state.markPrice(quote.symbol, quote.last, book.context(this.env(), { role: 'owner' }));
      }
    }
    const resting = this.#resting.of(quote.symbol);
    if (resting.length === 0) return undefined;
    const instrument = this.#d.catalogue.get(quote.symbol)!;
    const now = this.#d.now();
    const open = isTradable(instrument, now);
    const touched = new Set<AccountBook>();
    for (const { book, order } of resting) {
      if (order.request.timeInForce === 'day' && dayOver(instrument, order.createdAt, now, open)) {
        this.#close(book, order, 'expired', 'DAY_ENDED');
        touched.add(book);
        continue;
      }
      if (!open) continue; // resting orders are worked only while the venue is in session
      const m = match(order.request, quote, order.triggered);
      order.triggered = m.triggered;
      if (m.price !== undefined && this.#take(book, order, quote, m.price)) touched.add(book);
    }
    if (touched.size === 0) return undefined;
    return this.#d.commit.commit().catch(() => {
      for (const b of touched) this.#evictBook(b);
    });
  }

  notional(request: OrderRequest, reference: Decimal): Decimal | undefined {
    const instrument = this.#d.catalogue.get(request.symbol);
    return instrument && notionalValue(instrument, request.quantity, request.limitPrice ?? reference);
  }
}
