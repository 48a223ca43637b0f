/**
 * The read-only face of an account's risk state. Checks see only this, so
 * they cannot change the state; every read is a field or a Map lookup.
 */

import type { Decimal } from '../trading/decimal.ts';
import type { OrderRequest, Side } from '../trading/orders.ts';
import type { TradingState } from './trading-state.ts';

/** An accepted order still working at the venue, as the risk state tracks it. */
export interface OpenOrder {
  readonly id: string;
  readonly order: OrderRequest;
  readonly remaining: Decimal;
  /** Funds reserved for the unfilled remainder (margin model). */
  readonly reserved: Decimal;
  readonly notional: Decimal;
  readonly credentialId: string | undefined;
}

export interface CredentialUsage {
  readonly openOrders: number;
  readonly dailyNotional: Decimal;
}

export interface RiskStateView {
  readonly tradingState: TradingState;
  readonly openOrderCount: number;
  /** Value of orders accepted today, account currency. */
  readonly dailyNotional: Decimal;
  /** Signed position quantity (zero when flat). */
  positionQuantity(symbol: string): Decimal;
  /** Remaining quantity of open orders on one side of a symbol. */
  openQuantity(symbol: string, side: Side): Decimal;
  /** Equity − initial requirements − open-order reservations. */
  availableFunds(): Decimal;
  /** Today's loss (realised + change in unrealised), as a positive amount; zero when in profit. */
  dailyLoss(): Decimal;
  /** Worst-case short call contracts on an underlying: Σ over series of max(0, open sells − position). */
  shortCallExposure(underlying: string): Decimal;
  /** When an order with this fingerprint was last accepted. */
  lastAcceptedAt(fingerprint: string): number | undefined;
  /** Acceptance time of the n-th most recent accepted order (1 = latest). */
  recentAcceptance(n: number): number | undefined;
  credentialUsage(credentialId: string): CredentialUsage;
}
