import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { AlertsTable, PushChallengesTable, SmsChallengesTable } from '../tables.ts';

export type PushStatus = 'pending' | 'approved' | 'denied' | 'wrong_number' | 'expired';

/** Push challenges, SMS challenges, alerts and the domain's sealed secrets. */
export class PushRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(row: PushChallengesTable): Promise<void> {
    await this.#db.insertInto('push_challenges').values(row).execute();
  }

  find(id: string): Promise<PushChallengesTable | undefined> {
    return this.#db.selectFrom('push_challenges').selectAll().where('id', '=', id).executeTakeFirst();
  }

  recentForUser(userId: string, since: number): Promise<PushChallengesTable[]> {
    return this.#db
      .selectFrom('push_challenges')
      .selectAll()
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .execute();
  }

  pendingForUser(userId: string, now: number): Promise<PushChallengesTable[]> {
    return this.#db
      .selectFrom('push_challenges')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .execute();
  }

  overdueForUser(userId: string, now: number): Promise<PushChallengesTable[]> {
    return this.#db
      .selectFrom('push_challenges')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', '=', 'pending')
      .where('expires_at', '<', now)
      .execute();
  }

  /** Decides a pending challenge once; false when it was already decided. */
  async decide(id: string, status: PushStatus, deviceId: string | null, now: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('push_challenges')
      .set({ status, decided_by_device: deviceId, decided_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertSms(row: SmsChallengesTable): Promise<void> {
    await this.#db.insertInto('sms_challenges').values(row).execute();
  }

  latestSmsForFlow(flowId: string): Promise<SmsChallengesTable | undefined> {
    return this.#db
      .selectFrom('sms_challenges')
      .selectAll()
      .where('flow_id', '=', flowId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  async updateSms(id: string, changes: { attempts: number; consumed_at: number | null }): Promise<void> {
    await this.#db.updateTable('sms_challenges').set(changes).where('id', '=', id).execute();
  }

  async insertAlert(row: AlertsTable): Promise<void> {
    await this.#db.insertInto('alerts').values(row).execute();
  }

  alerts(userId: string, limit = 50): Promise<AlertsTable[]> {
    return this.#db
      .selectFrom('alerts')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
  }

  secret(name: string): Promise<{ sealed: string } | undefined> {
    return this.#db.selectFrom('authn_secrets').select('sealed').where('name', '=', name).executeTakeFirst();
  }

  /** First writer wins; returns what is stored afterwards. */
  async putSecretOnce(name: string, sealed: string, now: number): Promise<string> {
    await this.#db
      .insertInto('authn_secrets')
      .values({ name, sealed, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await this.secret(name))!.sealed;
  }
}
