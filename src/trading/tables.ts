/** Rows of the trading domain (see migration 0003). Money and quantities are exact decimal text. */
import type { AccountsDomainTables } from '../accounts/tables.ts';

export interface OrdersTable {
  id: string;
  account_id: string;
  client_order_id: string;
  request_hash: string;
  symbol: string;
  side: string;
  type: string;
  quantity: string;
  limit_price: string | null;
  stop_price: string | null;
  time_in_force: string;
  reduce_only: number;
  status: string;
  filled_quantity: string;
  average_price: string | null;
  reason: string | null;
  credential_id: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export interface FillsTable {
  id: string;
  order_id: string;
  account_id: string;
  symbol: string;
  side: string;
  quantity: string;
  price: string;
  at: number;
}

export interface PositionsTable {
  account_id: string;
  symbol: string;
  quantity: string;
  cost: string;
  realised: string;
  updated_at: number;
}

export interface LedgerEntriesTable {
  id: string;
  txn_id: string;
  account_id: string;
  currency: string;
  book: string;
  amount: string;
  kind: string;
  ref: string | null;
  at: number;
}

export interface PayeesTable {
  id: string;
  account_id: string;
  name: string;
  destination_sealed: string;
  destination_last4: string;
  currency: string;
  hold_until: number;
  created_by: string;
  created_at: number;
}

export interface WithdrawalsTable {
  id: string;
  account_id: string;
  payee_id: string;
  amount: string;
  currency: string;
  status: string;
  approval_id: string | null;
  factor: string;
  requested_by: string;
  release_at: number;
  created_at: number;
  updated_at: number;
}

export interface TradingDomainTables extends AccountsDomainTables {
  orders: OrdersTable;
  fills: FillsTable;
  positions: PositionsTable;
  ledger_entries: LedgerEntriesTable;
  payees: PayeesTable;
  withdrawals: WithdrawalsTable;
}
