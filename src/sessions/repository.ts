import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { SessionsTable } from './tables.ts';

/** Storage access for sessions; the token itself is never stored, only its SHA-256. */
export class SessionRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(row: SessionsTable, db: Kysely<Database> = this.#db): Promise<void> {
    await db.insertInto('sessions').values(row).execute();
  }

  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(fn);
  }

  findByTokenHash(tokenHash: string): Promise<SessionsTable | undefined> {
    return this.#db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  findById(id: string): Promise<SessionsTable | undefined> {
    return this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listActive(userId: string | undefined, now: number, limit = 200): Promise<SessionsTable[]> {
    let q = this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('revoked_at', 'is', null)
      .where('absolute_expires_at', '>', now)
      .orderBy('last_seen_at', 'desc')
      .limit(limit);
    if (userId) q = q.where('user_id', '=', userId);
    return q.execute();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.#db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async rotate(id: string, tokenHash: string, aal: number, factors: string, now: number): Promise<void> {
    await this.#db
      .updateTable('sessions')
      .set({ token_hash: tokenHash, aal, factors, last_seen_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Marks sessions revoked; returns the ids that were still live. */
  async revoke(
    filter: { id?: string; userId?: string; exceptId?: string; deviceId?: string },
    reason: string,
    now: number,
  ): Promise<Array<{ id: string; user_id: string; token_hash: string }>> {
    let sel = this.#db
      .selectFrom('sessions')
      .select(['id', 'user_id', 'token_hash'])
      .where('revoked_at', 'is', null);
    if (filter.id) sel = sel.where('id', '=', filter.id);
    if (filter.userId) sel = sel.where('user_id', '=', filter.userId);
    if (filter.exceptId) sel = sel.where('id', '!=', filter.exceptId);
    if (filter.deviceId) sel = sel.where('device_id', '=', filter.deviceId);
    const rows = await sel.execute();
    if (rows.length === 0) return [];
    await this.#db
      .updateTable('sessions')
      .set({ revoked_at: now, revoked_reason: reason })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('revoked_at', 'is', null)
      .execute();
    return rows;
  }
}
