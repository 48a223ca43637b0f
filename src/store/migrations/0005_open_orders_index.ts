import { type Kysely, sql } from 'kysely';

/**
 * Open orders are indexed by account, and only open orders (decision 0037). The index over every
 * order's (account, status) it replaces grew with the whole history and took a write on a random
 * page for every order placed, filled or expired, though only open orders are ever looked up by
 * status. A partial index has the same syntax on SQLite and PostgreSQL; its condition is written
 * with literals, as every query that should use it must be (src/trading/order-model.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_account_status').execute();
  await sql`create index orders_open on orders (account_id) where status in ('accepted', 'partially_filled')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('orders_open').execute();
  await db.schema
    .createIndex('orders_account_status')
    .on('orders')
    .columns(['account_id', 'status'])
    .execute();
}
