/**
 * The double-entry cash ledger: every movement of money is one transaction
 * of postings (per account and currency) whose amounts sum to exactly zero.
 * A positive amount is a debit to the book, a negative one a credit.
 *
 * Books: `cash` (the customer's cash), `venue` (the other side of trades and
 * settled P&L), `external` (the outside world: deposits and completed
 * withdrawals), `withdrawal_hold` (money on its way out, still cancellable).
 */
import { Decimal } from './decimal.ts';

export const BOOKS = ['cash', 'venue', 'external', 'withdrawal_hold'] as const;
export type Book = (typeof BOOKS)[number];

export interface Posting {
  readonly book: Book;
  readonly amount: Decimal;
}

export interface LedgerTxn {
  readonly kind: 'deposit' | 'fill' | 'withdrawal_hold' | 'withdrawal_release' | 'withdrawal_complete';
  readonly ref: string | null;
  readonly postings: readonly Posting[];
}

/** Builds a transaction; a transaction that does not balance is a programming error. */
export function ledgerTxn(
  kind: LedgerTxn['kind'],
  ref: string | null,
  postings: readonly Posting[],
): LedgerTxn {
  let sum = Decimal.ZERO;
  for (const p of postings) sum = sum.add(p.amount);
  if (!sum.isZero()) throw new TypeError(`ledger transaction ${kind} does not balance (${sum})`);
  return { kind, ref, postings: postings.filter((p) => !p.amount.isZero()) };
}

/** Moves `amount` from one book to another (debit `to`, credit `from`). */
export function transfer(
  kind: LedgerTxn['kind'],
  ref: string | null,
  from: Book,
  to: Book,
  amount: Decimal,
): LedgerTxn {
  return ledgerTxn(kind, ref, [
    { book: to, amount },
    { book: from, amount: amount.neg() },
  ]);
}

/** Running balances per book, with the debit and credit totals. */
export class LedgerBalances {
  readonly #balances = new Map<Book, Decimal>();
  #debits = Decimal.ZERO;
  #credits = Decimal.ZERO;

  apply(txn: LedgerTxn): void {
    for (const p of txn.postings) {
      this.#balances.set(p.book, this.balance(p.book).add(p.amount));
      if (p.amount.isPositive()) this.#debits = this.#debits.add(p.amount);
      else this.#credits = this.#credits.add(p.amount.neg());
    }
  }

  balance(book: Book): Decimal {
    return this.#balances.get(book) ?? Decimal.ZERO;
  }

  get debits(): Decimal {
    return this.#debits;
  }

  get credits(): Decimal {
    return this.#credits;
  }
}
