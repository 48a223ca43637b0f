/** Orders as the service keeps them, their lifecycle states and their JSON view. */
import { createHash } from 'node:crypto';
import { type SqlBool, sql } from 'kysely';
import { Decimal } from './decimal.ts';
import type { OrderRequest } from './orders.ts';
import type { OrdersTable } from './tables.ts';

/**
 * new → accepted → partially_filled → filled / cancelled / rejected / expired.
 * `new` exists only inside a request; orders are stored from `accepted`.
 */
export const ORDER_STATUSES = [
  'accepted',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['accepted', 'partially_filled']);

/**
 * Open orders (OPEN_STATUSES) in SQL, written with literals: the condition of the partial index
 * `orders_open` (migration 0005). SQLite uses that index only for a query whose WHERE clause holds
 * this same term; bound parameters in its place would not match it.
 */
export const OPEN_ORDER_SQL = sql<SqlBool>`status in (${sql.join([...OPEN_STATUSES].map((s) => sql.lit(s)))})`;

export interface OrderRecord {
  readonly id: string;
  readonly accountId: string;
  readonly clientOrderId: string;
  readonly requestHash: string;
  request: OrderRequest;
  status: OrderStatus;
  filledQuantity: Decimal;
  /** Σ fill quantity × price, for the average. */
  filledValue: Decimal;
  reason: string | null;
  readonly credentialId: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
  updatedAt: number;
  /** Stop orders: the stop has been touched. In memory only. */
  triggered: boolean;
}

/** The content an idempotency key is bound to. */
export function requestHash(o: OrderRequest): string {
  const canonical = [
    o.symbol,
    o.side,
    o.type,
    o.quantity.toString(),
    o.limitPrice?.toString() ?? '',
    o.stopPrice?.toString() ?? '',
    o.timeInForce,
    o.reduceOnly === true ? '1' : '0',
  ].join('|');
  return createHash('sha256').update(canonical).digest('hex');
}

export function averagePriceOf(o: OrderRecord): Decimal | null {
  return o.filledQuantity.isZero() ? null : o.filledValue.div(o.filledQuantity, 8, 'half-even');
}

export function toRow(o: OrderRecord): OrdersTable {
  return {
    id: o.id,
    account_id: o.accountId,
    client_order_id: o.clientOrderId,
    request_hash: o.requestHash,
    symbol: o.request.symbol,
    side: o.request.side,
    type: o.request.type,
    quantity: o.request.quantity.toString(),
    limit_price: o.request.limitPrice?.toString() ?? null,
    stop_price: o.request.stopPrice?.toString() ?? null,
    time_in_force: o.request.timeInForce,
    reduce_only: o.request.reduceOnly === true ? 1 : 0,
    status: o.status,
    filled_quantity: o.filledQuantity.toString(),
    average_price: averagePriceOf(o)?.toString() ?? null,
    reason: o.reason,
    credential_id: o.credentialId,
    created_by: o.createdBy,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
  };
}

export function fromRow(r: OrdersTable): OrderRecord {
  const filled = Decimal.parse(r.filled_quantity);
  const avg = r.average_price === null ? Decimal.ZERO : Decimal.parse(r.average_price);
  return {
    id: r.id,
    accountId: r.account_id,
    clientOrderId: r.client_order_id,
    requestHash: r.request_hash,
    request: {
      symbol: r.symbol,
      side: r.side as OrderRequest['side'],
      type: r.type as OrderRequest['type'],
      quantity: Decimal.parse(r.quantity),
      ...(r.limit_price === null ? {} : { limitPrice: Decimal.parse(r.limit_price) }),
      ...(r.stop_price === null ? {} : { stopPrice: Decimal.parse(r.stop_price) }),
      timeInForce: r.time_in_force as OrderRequest['timeInForce'],
      ...(r.reduce_only === 1 ? { reduceOnly: true } : {}),
    },
    status: r.status as OrderStatus,
    filledQuantity: filled,
    filledValue: filled.mul(avg),
    reason: r.reason,
    credentialId: r.credential_id,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    triggered: false,
  };
}

/** The JSON view of an order (decimal strings, ISO times). */
export function orderView(o: OrderRecord) {
  return {
    id: o.id,
    accountId: o.accountId,
    clientOrderId: o.clientOrderId,
    symbol: o.request.symbol,
    side: o.request.side,
    type: o.request.type,
    quantity: o.request.quantity.toString(),
    limitPrice: o.request.limitPrice?.toString() ?? null,
    stopPrice: o.request.stopPrice?.toString() ?? null,
    timeInForce: o.request.timeInForce,
    reduceOnly: o.request.reduceOnly === true,
    status: o.status,
    filledQuantity: o.filledQuantity.toString(),
    averagePrice: averagePriceOf(o)?.toString() ?? null,
    reason: o.reason,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedAt: new Date(o.updatedAt).toISOString(),
  };
}
export type OrderView = ReturnType<typeof orderView>;
