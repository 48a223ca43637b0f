/**
 * Group commit: writes submitted while a transaction is running are gathered
 * and committed together in the next one. Every submitter waits until its
 * writes are durable (no write-behind): an accepted order is answered only
 * after its row is committed. Rows of one batch are merged (an order inserted
 * and filled in the same batch is written once) and inserted in chunks.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditInput, AuditTrail } from '../audit/index.ts';
import type { Database } from '../store/schema.ts';
import type { FillsTable, LedgerEntriesTable, OrdersTable, PositionsTable } from './tables.ts';

type OrderPatch = Partial<Omit<OrdersTable, 'id'>>;

interface Batch {
  orders: Map<string, OrdersTable>;
  updates: Map<string, OrderPatch>;
  fills: FillsTable[];
  ledger: LedgerEntriesTable[];
  positions: Map<string, PositionsTable>;
  ops: ((trx: Transaction<Database>) => Promise<void>)[];
  audit: AuditInput[];
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

const CHUNK = 400;

function emptyBatch(): Batch {
  return {
    orders: new Map(),
    updates: new Map(),
    fills: [],
    ledger: [],
    positions: new Map(),
    ops: [],
    audit: [],
    waiters: [],
  };
}

export class GroupCommit {
  readonly #db: Kysely<Database>;
  readonly #audit: AuditTrail;
  #open: Batch = emptyBatch();
  #running: Promise<void> | null = null;
  #scheduled = false;

  constructor(db: Kysely<Database>, audit: AuditTrail) {
    this.#db = db;
    this.#audit = audit;
  }

  insertOrder(row: OrdersTable): void {
    this.#open.orders.set(row.id, row);
  }

  updateOrder(id: string, patch: OrderPatch): void {
    const pending = this.#open.orders.get(id);
    if (pending) Object.assign(pending, patch);
    else this.#open.updates.set(id, { ...this.#open.updates.get(id), ...patch });
  }

  insertFill(row: FillsTable): void {
    this.#open.fills.push(row);
  }

  insertLedger(rows: readonly LedgerEntriesTable[]): void {
    this.#open.ledger.push(...rows);
  }

  upsertPosition(row: PositionsTable): void {
    this.#open.positions.set(`${row.account_id}\u0000${row.symbol}`, row);
  }

  op(fn: (trx: Transaction<Database>) => Promise<void>): void {
    this.#open.ops.push(fn);
  }

  audit(input: AuditInput): void {
    this.#open.audit.push(input);
  }

  /** Resolves when everything staged so far is committed. */
  commit(): Promise<void> {
    const batch = this.#open;
    const done = new Promise<void>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    if (!this.#scheduled) {
      this.#scheduled = true;
      // The next turn of the event loop: every request read in this one joins the batch.
      setImmediate(() => void this.#drain());
    }
    return done;
  }

  async #drain(): Promise<void> {
    if (this.#running) await this.#running.catch(() => {});
    this.#scheduled = false;
    const batch = this.#open;
    if (batch.waiters.length === 0) return;
    this.#open = emptyBatch();
    this.#running = this.#write(batch);
    try {
      await this.#running;
      for (const w of batch.waiters) w.resolve();
    } catch (error) {
      for (const w of batch.waiters) w.reject(error);
    } finally {
      this.#running = null;
    }
  }

  async #write(b: Batch): Promise<void> {
    const events = await this.#db.transaction().execute(async (trx) => {
      const orders = [...b.orders.values()];
      for (let i = 0; i < orders.length; i += CHUNK)
        await trx
          .insertInto('orders')
          .values(orders.slice(i, i + CHUNK))
          .execute();
      for (const [id, patch] of b.updates)
        await trx.updateTable('orders').set(patch).where('id', '=', id).execute();
      for (let i = 0; i < b.fills.length; i += CHUNK)
        await trx
          .insertInto('fills')
          .values(b.fills.slice(i, i + CHUNK))
          .execute();
      for (let i = 0; i < b.ledger.length; i += CHUNK)
        await trx
          .insertInto('ledger_entries')
          .values(b.ledger.slice(i, i + CHUNK))
          .execute();
      for (const p of b.positions.values()) {
        await trx
          .insertInto('positions')
          .values(p)
          .onConflict((oc) =>
            oc.columns(['account_id', 'symbol']).doUpdateSet({
              quantity: p.quantity,
              cost: p.cost,
              realised: p.realised,
              updated_at: p.updated_at,
            }),
          )
          .execute();
      }
      for (const op of b.ops) await op(trx);
      // The audit events commit with the rows they describe.
      return this.#audit.appendWithin(trx, b.audit);
    });
    this.#audit.announce(events);
  }
}
