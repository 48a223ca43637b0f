/**
 * AccountRiskState: the running, precomputed picture of one account that the
 * pre-trade checks consult. Every read is a field or a Map lookup; every
 * update (order accepted, filled, cancelled; price marked; new day) adjusts
 * running totals by the difference it makes, so nothing is ever rescanned.
 * With 10,000 open orders and 1,000 positions a check costs the same as with
 * none. (A little over 400 lines on purpose: the running totals are kept by
 * one class so that every update adjusts all of them in one place.)
 */

import { Decimal } from '../trading/decimal.ts';
import type { Instrument } from '../trading/instruments.ts';
import { notionalValue, type OrderRequest, type Side, signedQuantity } from '../trading/orders.ts';
import {
  orderFingerprint,
  orderMarginRequirement,
  referencePriceOf,
  seriesCallExposure,
  valuationPrice,
  worstCaseShares,
} from './exposure.ts';
import { OrderFlowBook } from './flow-book.ts';
import { marginRequirement } from './margin.ts';
import { applyFill, FLAT, type Position, valuePosition } from './positions.ts';
import type { CredentialUsage, OpenOrder, RiskStateView } from './state-view.ts';

export type { OpenOrder } from './state-view.ts';

import { changeTradingState, type TradingState, type TradingStateChange } from './trading-state.ts';
import type { RiskContext } from './types.ts';

interface PositionEntry extends Position {
  readonly instrument: Instrument;
  readonly mark: Decimal;
  readonly unrealised: Decimal;
  readonly equity: Decimal;
  readonly margin: Decimal;
}

interface SideTotals {
  buy: Decimal;
  sell: Decimal;
}

const ZERO = Decimal.ZERO;

export interface AccountRiskStateInit {
  readonly cash: Decimal;
  readonly tradingState?: TradingState;
  /** Ring size for the order-rate throttle; must be ≥ the throttle's maxOrders (default 1,000). */
  readonly throttleCapacity?: number;
}

export class AccountRiskState implements RiskStateView {
  #tradingState: TradingState;
  #cash: Decimal;
  #positionsEquity = ZERO;
  #positionsMargin = ZERO;
  #unrealised = ZERO;
  #unrealisedAtDayStart = ZERO;
  #realisedToday = ZERO;
  #reserved = ZERO;
  #dailyNotional = ZERO;
  readonly #positions = new Map<string, PositionEntry>();
  readonly #openOrders = new Map<string, OpenOrder>();
  readonly #openTotals = new Map<string, SideTotals>();
  readonly #callExposure = new Map<string, Decimal>(); // per call series
  readonly #underlyingExposure = new Map<string, Decimal>(); // per underlying, Σ series
  readonly #optionsByUnderlying = new Map<string, Set<string>>(); // option positions held
  readonly #flow: OrderFlowBook;

  constructor(init: AccountRiskStateInit) {
    this.#cash = init.cash;
    this.#tradingState = init.tradingState ?? 'ACTIVE';
    this.#flow = new OrderFlowBook(init.throttleCapacity ?? 1_000);
  }

  // ---- reads (RiskStateView) ----

  get tradingState(): TradingState {
    return this.#tradingState;
  }

  get openOrderCount(): number {
    return this.#openOrders.size;
  }

  get dailyNotional(): Decimal {
    return this.#dailyNotional;
  }

  get cash(): Decimal {
    return this.#cash;
  }

  get throttleCapacity(): number {
    return this.#flow.throttleCapacity;
  }

  equity(): Decimal {
    return this.#cash.add(this.#positionsEquity);
  }

  availableFunds(): Decimal {
    return this.#cash.add(this.#positionsEquity).sub(this.#positionsMargin).sub(this.#reserved);
  }

  dailyLoss(): Decimal {
    const pnl = this.#realisedToday.add(this.#unrealised).sub(this.#unrealisedAtDayStart);
    return pnl.isNegative() ? pnl.neg() : ZERO;
  }

  positionQuantity(symbol: string): Decimal {
    return this.#positions.get(symbol)?.quantity ?? ZERO;
  }

  openQuantity(symbol: string, side: Side): Decimal {
    return this.#openTotals.get(symbol)?.[side] ?? ZERO;
  }

  shortCallExposure(underlying: string): Decimal {
    return this.#underlyingExposure.get(underlying) ?? ZERO;
  }

  lastAcceptedAt(fingerprint: string): number | undefined {
    return this.#flow.lastAcceptedAt(fingerprint);
  }

  recentAcceptance(n: number): number | undefined {
    return this.#flow.recentAcceptance(n);
  }

  credentialUsage(credentialId: string): CredentialUsage {
    return this.#flow.credentialUsage(credentialId);
  }

  openOrder(id: string): OpenOrder | undefined {
    return this.#openOrders.get(id);
  }

  /** Positions held, for reports and reconciliation (a scan: not for the order path). */
  positions(): readonly {
    symbol: string;
    quantity: Decimal;
    cost: Decimal;
    mark: Decimal;
    margin: Decimal;
  }[] {
    return [...this.#positions.entries()].map(([symbol, p]) => ({
      symbol,
      quantity: p.quantity,
      cost: p.cost,
      mark: p.mark,
      margin: p.margin,
    }));
  }

  /** Open orders, for reports and reconciliation (a scan: not for the order path). */
  openOrders(): readonly OpenOrder[] {
    return [...this.#openOrders.values()];
  }

  /** Margin, unrealised and equity totals, for reports and tests. */
  totals(): { cash: Decimal; equity: Decimal; margin: Decimal; reserved: Decimal; unrealised: Decimal } {
    return {
      cash: this.#cash,
      equity: this.equity(),
      margin: this.#positionsMargin,
      reserved: this.#reserved,
      unrealised: this.#unrealised,
    };
  }

  // ---- updates ----

  /** Records an order the pipeline accepted: reserves funds and feeds the open-order, duplicate and throttle books. */
  recordAccepted(id: string, order: OrderRequest, ctx: RiskContext): OpenOrder {
    if (this.#openOrders.has(id)) throw new TypeError(`Order ${id} is already open`);
    const instrument = this.#instrument(order.symbol, ctx);
    const price = valuationPrice(order, referencePriceOf(instrument, ctx));
    const reserved = orderMarginRequirement(order, instrument, this, ctx, price);
    const notional = notionalValue(instrument, order.quantity, price);
    const credentialId = ctx.actor.credential?.id;
    const open: OpenOrder = { id, order, remaining: order.quantity, reserved, notional, credentialId };
    this.#openOrders.set(id, open);
    this.#adjustOpen(instrument, order.side, order.quantity, ctx);
    this.#reserved = this.#reserved.add(reserved);
    this.#dailyNotional = this.#dailyNotional.add(notional);
    if (credentialId !== undefined) this.#flow.adjustCredential(credentialId, 1, notional);
    this.#flow.recordAcceptance(orderFingerprint(order), ctx.now, ctx.limits.duplicateWindowMs);
    return open;
  }

  /** Applies a (partial) fill of an open order at a price. */
  recordFill(id: string, quantity: Decimal, price: Decimal, ctx: RiskContext): void {
    const open = this.#requireOpen(id);
    if (!quantity.isPositive() || quantity.gt(open.remaining)) {
      throw new TypeError(`Fill of ${quantity} does not fit order ${id} (remaining ${open.remaining})`);
    }
    const instrument = this.#instrument(open.order.symbol, ctx);
    const remaining = open.remaining.sub(quantity);
    const release = remaining.isZero()
      ? open.reserved
      : open.reserved.mul(quantity).div(open.remaining, Math.max(open.reserved.scale, 10), 'half-even');
    this.#reserved = this.#reserved.sub(release);
    this.#adjustOpen(instrument, open.order.side, quantity.neg(), ctx);
    if (remaining.isZero()) this.#closeOrder(open);
    else this.#openOrders.set(id, { ...open, remaining, reserved: open.reserved.sub(release) });
    this.#applyPositionFill(instrument, signedQuantity(open.order.side, quantity), price, ctx);
  }

  /** Removes an open order (cancelled, expired or rejected by the venue) and frees its reservation. */
  recordCancelled(id: string, ctx: RiskContext): void {
    const open = this.#requireOpen(id);
    const instrument = this.#instrument(open.order.symbol, ctx);
    this.#reserved = this.#reserved.sub(open.reserved);
    this.#adjustOpen(instrument, open.order.side, open.remaining.neg(), ctx);
    this.#closeOrder(open);
  }

  /** Loads a position (from storage, or a fixture) at an average price (or exact cost); cash is not touched. */
  seedPosition(
    symbol: string,
    quantity: Decimal,
    averagePrice: Decimal,
    ctx: RiskContext,
    cost?: Decimal,
  ): void {
    const instrument = this.#instrument(symbol, ctx);
    this.#setPosition(instrument, { quantity, cost: cost ?? quantity.mul(averagePrice) }, averagePrice, ctx);
  }

  /** Cash moved in or out from outside trading (deposit, withdrawal hold or its release). */
  adjustCash(delta: Decimal): void {
    this.#cash = this.#cash.add(delta);
  }

  /** One position's quantity and cost (undefined when flat). */
  position(symbol: string): { quantity: Decimal; cost: Decimal; mark: Decimal } | undefined {
    const p = this.#positions.get(symbol);
    return p && { quantity: p.quantity, cost: p.cost, mark: p.mark };
  }

  /** Revalues a position (and options on it) at a new mark price. */
  markPrice(symbol: string, price: Decimal, ctx: RiskContext): void {
    const entry = this.#positions.get(symbol);
    if (entry !== undefined) this.#setPosition(entry.instrument, entry, price, ctx);
    this.#remarginOptionsOn(symbol, ctx);
  }

  /** Starts a new trading day: daily P&L and notional accumulators restart. */
  startNewDay(): void {
    this.#realisedToday = ZERO;
    this.#unrealisedAtDayStart = this.#unrealised;
    this.#dailyNotional = ZERO;
    this.#flow.startNewDay();
  }

  /** Changes the trading state; returns the audit event, or null if unchanged. */
  setTradingState(to: TradingState, reason: string): TradingStateChange | null {
    const change = changeTradingState(this.#tradingState, to, reason);
    if (change !== null) this.#tradingState = to;
    return change;
  }

  // ---- internals ----

  #instrument(symbol: string, ctx: RiskContext): Instrument {
    const instrument = ctx.catalogue.get(symbol);
    if (instrument === undefined) throw new TypeError(`Unknown instrument ${symbol}`);
    return instrument;
  }

  #requireOpen(id: string): OpenOrder {
    const open = this.#openOrders.get(id);
    if (open === undefined) throw new TypeError(`No open order ${id}`);
    return open;
  }

  #closeOrder(open: OpenOrder): void {
    this.#openOrders.delete(open.id);
    if (open.credentialId !== undefined) this.#flow.adjustCredential(open.credentialId, -1, ZERO);
  }

  #adjustOpen(instrument: Instrument, side: Side, delta: Decimal, ctx: RiskContext): void {
    let totals = this.#openTotals.get(instrument.symbol);
    if (totals === undefined) {
      totals = { buy: ZERO, sell: ZERO };
      this.#openTotals.set(instrument.symbol, totals);
    }
    totals[side] = totals[side].add(delta);
    if (totals.buy.isZero() && totals.sell.isZero()) this.#openTotals.delete(instrument.symbol);
    if (side === 'sell') this.#coverMayHaveChanged(instrument, ctx);
  }

  /** Open sells and positions of calls or their underlying change cover, hence short-call margin. */
  #coverMayHaveChanged(instrument: Instrument, ctx: RiskContext): void {
    if (instrument.assetClass === 'option') {
      if (this.#refreshExposure(instrument)) this.#remarginOptionsOn(instrument.underlying, ctx);
    } else if (instrument.assetClass === 'stock' || instrument.assetClass === 'etf') {
      this.#remarginOptionsOn(instrument.symbol, ctx);
    }
  }

  #applyPositionFill(instrument: Instrument, fill: Decimal, price: Decimal, ctx: RiskContext): void {
    const before = this.#positions.get(instrument.symbol) ?? FLAT;
    const outcome = applyFill(instrument, before, fill, price);
    this.#cash = this.#cash.add(outcome.cashFlow);
    this.#realisedToday = this.#realisedToday.add(outcome.realised);
    this.#setPosition(instrument, outcome.position, price, ctx);
  }

  /** Replaces a position's valuation in the running totals by difference. */
  #setPosition(instrument: Instrument, position: Position, mark: Decimal, ctx: RiskContext): void {
    const symbol = instrument.symbol;
    const old = this.#positions.get(symbol);
    if (old !== undefined) {
      this.#positionsEquity = this.#positionsEquity.sub(old.equity);
      this.#positionsMargin = this.#positionsMargin.sub(old.margin);
      this.#unrealised = this.#unrealised.sub(old.unrealised);
    }
    if (position.quantity.isZero()) {
      this.#positions.delete(symbol);
      if (instrument.assetClass === 'option')
        this.#optionsByUnderlying.get(instrument.underlying)?.delete(symbol);
    } else {
      const { unrealised, equity } = valuePosition(instrument, position, mark);
      const margin = this.#positionMargin(instrument, position.quantity, mark, ctx);
      this.#positions.set(symbol, {
        instrument,
        quantity: position.quantity,
        cost: position.cost,
        mark,
        unrealised,
        equity,
        margin,
      });
      this.#positionsEquity = this.#positionsEquity.add(equity);
      this.#positionsMargin = this.#positionsMargin.add(margin);
      this.#unrealised = this.#unrealised.add(unrealised);
      if (instrument.assetClass === 'option') this.#indexOption(instrument.underlying, symbol);
    }
    if (old?.quantity.eq(position.quantity) !== true) this.#coverMayHaveChanged(instrument, ctx);
  }

  #positionMargin(instrument: Instrument, quantity: Decimal, mark: Decimal, ctx: RiskContext): Decimal {
    if (instrument.assetClass !== 'option') {
      return marginRequirement({
        instrument,
        quantity,
        price: mark,
        accountType: ctx.account.accountType,
        optionLevel: 0,
      });
    }
    const underlyingPrice =
      this.#positions.get(instrument.underlying)?.mark ??
      ctx.prices.referencePrice(instrument.underlying) ??
      ctx.catalogue.get(instrument.underlying)?.referencePrice;
    const covered = worstCaseShares(this, instrument.underlying).gte(
      this.shortCallExposure(instrument.underlying),
    );
    return marginRequirement({
      instrument,
      quantity,
      price: mark,
      accountType: ctx.account.accountType,
      optionLevel: ctx.account.permissions.options,
      coveredCall: covered,
      ...(underlyingPrice === undefined ? {} : { underlyingPrice }),
    });
  }

  #indexOption(underlying: string, symbol: string): void {
    let set = this.#optionsByUnderlying.get(underlying);
    if (set === undefined) {
      set = new Set();
      this.#optionsByUnderlying.set(underlying, set);
    }
    set.add(symbol);
  }

  /** Short-call margin depends on the underlying's price and cover: re-evaluate the (few) options held on it. */
  #remarginOptionsOn(underlying: string, ctx: RiskContext): void {
    const symbols = this.#optionsByUnderlying.get(underlying);
    if (symbols === undefined) return;
    for (const symbol of symbols) {
      const entry = this.#positions.get(symbol);
      if (entry === undefined || !entry.quantity.isNegative()) continue;
      const margin = this.#positionMargin(entry.instrument, entry.quantity, entry.mark, ctx);
      this.#positionsMargin = this.#positionsMargin.sub(entry.margin).add(margin);
      this.#positions.set(symbol, { ...entry, margin });
    }
  }

  /** Updates a call series' short exposure and its underlying's total; true if it changed. */
  #refreshExposure(instrument: Instrument): boolean {
    if (instrument.assetClass !== 'option' || instrument.right !== 'call') return false;
    const symbol = instrument.symbol;
    const next = seriesCallExposure(
      instrument,
      this.positionQuantity(symbol),
      this.openQuantity(symbol, 'sell'),
    );
    const prev = this.#callExposure.get(symbol) ?? ZERO;
    if (next.eq(prev)) return false;
    if (next.isZero()) this.#callExposure.delete(symbol);
    else this.#callExposure.set(symbol, next);
    const total = this.shortCallExposure(instrument.underlying).sub(prev).add(next);
    if (total.isZero()) this.#underlyingExposure.delete(instrument.underlying);
    else this.#underlyingExposure.set(instrument.underlying, total);
    return true;
  }
}
