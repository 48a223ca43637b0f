import { newId } from '../store/ids.ts';
import type { AccountBook } from './books.ts';
import { Decimal } from './decimal.ts';
import type { GroupCommit } from './group-commit.ts';
import type { LedgerTxn } from './ledger.ts';
import type { OrderRecord } from './order-model.ts';
import type { LedgerEntriesTable } from './tables.ts';

/** Stored rows of the money and position side of trading. */

/** The stored rows of one ledger transaction (one row per posting, sharing a txn id). */
export function ledgerRows(
  accountId: string,
  currency: string,
  txn: LedgerTxn,
  at: number,
): LedgerEntriesTable[] {
  const txnId = newId('txn');
  return txn.postings.map((p) => ({
    id: newId('led'),
    txn_id: txnId,
    account_id: accountId,
    currency,
    book: p.book,
    amount: p.amount.toString(),
    kind: txn.kind,
    ref: txn.ref,
    at,
  }));
}

/** Stages a fill's rows: the fill itself and the position after it (with realised P&L). */
export function stageFillRows(
  commit: GroupCommit,
  book: AccountBook,
  order: OrderRecord,
  quantity: Decimal,
  price: Decimal,
  realised: Decimal,
  at: number,
): void {
  const symbol = order.request.symbol;
  const pos = book.state.position(symbol);
  commit.upsertPosition({
    account_id: book.account.id,
    symbol,
    quantity: (pos?.quantity ?? Decimal.ZERO).toString(),
    cost: (pos?.cost ?? Decimal.ZERO).toString(),
    realised: realised.toString(),
    updated_at: at,
  });
  commit.insertFill({
    id: newId('fil'),
    order_id: order.id,
    account_id: book.account.id,
    symbol,
    side: order.request.side,
    quantity: quantity.toString(),
    price: price.toString(),
    at,
  });
}
