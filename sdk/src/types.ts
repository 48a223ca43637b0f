/**
 * Shapes of the public contract (API.md). Money, prices and quantities are
 * decimal strings, never numbers; times are RFC 3339 UTC strings. Response
 * types name the fields the SDK relies on and allow the rest.
 */

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit';
export type TimeInForce = 'day' | 'gtc' | 'ioc';

export interface OrderRequest {
  symbol: string;
  side: Side;
  /** Decimal string, e.g. "10" or "0.5". */
  quantity: string;
  type: OrderType;
  limitPrice?: string;
  stopPrice?: string;
  timeInForce: TimeInForce;
  clientOrderId?: string;
}

export interface Order extends Partial<OrderRequest> {
  id: string;
  status?: string;
  [field: string]: unknown;
}

export interface Account {
  id: string;
  [field: string]: unknown;
}

export interface Position {
  symbol: string;
  quantity?: string;
  [field: string]: unknown;
}

export interface Quote {
  symbol: string;
  bid?: string;
  ask?: string;
  [field: string]: unknown;
}

export interface KillSwitchOptions {
  /** Why, for the audit trail and the owner's notification. */
  reason?: string;
  /** Also close every position (default: server policy). */
  flatten?: boolean;
  [field: string]: unknown;
}

/** One event of the account stream: orders, fills, trading-state changes. */
export interface AccountEvent {
  /** The SSE event name, e.g. `order.updated`, `fill`, `state.changed`. */
  type: string;
  /** The JSON payload (or the raw text when it is not JSON). */
  data: unknown;
  /** The event id; resume from it with `lastEventId`. */
  id: string | undefined;
}
