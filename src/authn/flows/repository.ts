import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { FlowState } from './states.ts';
import type { LoginFlowsTable } from './tables.ts';

export class FlowRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(row: LoginFlowsTable): Promise<void> {
    await this.#db.insertInto('login_flows').values(row).execute();
  }

  find(id: string): Promise<LoginFlowsTable | undefined> {
    return this.#db.selectFrom('login_flows').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Compare-and-set on (state, attempts): two concurrent steps on one flow
   * cannot both advance it. Returns false when another step got there first.
   * `db` may be a transaction the update must commit with.
   */
  async update(
    id: string,
    expected: { state: FlowState; attempts: number },
    changes: Partial<Omit<LoginFlowsTable, 'id'>>,
    db: Kysely<Database> = this.#db,
  ): Promise<boolean> {
    const r = await db
      .updateTable('login_flows')
      .set(changes)
      .where('id', '=', id)
      .where('state', '=', expected.state)
      .where('attempts', '=', expected.attempts)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Housekeeping: flows past expiry by more than a day are deleted. */
  async purgeExpired(before: number): Promise<number> {
    const r = await this.#db.deleteFrom('login_flows').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
