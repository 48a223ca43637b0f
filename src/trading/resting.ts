/** Resting orders by symbol, across accounts: what each new quote of a symbol must work. */
import type { AppError } from '../errors/app-error.ts';
import { AppError as AppErrorClass } from '../errors/app-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import type { Denial } from '../risk/codes.ts';
import type { AccountBook } from './books.ts';
import type { OrderRecord } from './order-model.ts';

export interface Resting {
  readonly book: AccountBook;
  readonly order: OrderRecord;
}

export class RestingOrders {
  readonly #bySymbol = new Map<string, Map<string, Resting>>();

  add(book: AccountBook, order: OrderRecord): void {
    let m = this.#bySymbol.get(order.request.symbol);
    if (!m) {
      m = new Map();
      this.#bySymbol.set(order.request.symbol, m);
    }
    m.set(order.id, { book, order });
  }

  remove(order: OrderRecord): void {
    this.#bySymbol.get(order.request.symbol)?.delete(order.id);
  }

  /** A snapshot of the symbol's resting orders (safe to change the set while iterating). */
  of(symbol: string): Resting[] {
    const m = this.#bySymbol.get(symbol);
    return m ? [...m.values()] : [];
  }
}

/** A pre-trade denial as the public error: 422, the check's code, its values in `details`. */
export function denialError(denial: Denial): AppError {
  return new AppErrorClass(denial.code as ErrorCode, {
    message: denial.message,
    details: { check: denial.check, ...denial.values },
  });
}
