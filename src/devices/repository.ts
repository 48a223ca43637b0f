import type { Kysely } from 'kysely';
import type { DeviceEnrollmentsTable, DevicesTable } from '../authn/tables.ts';
import type { Database } from '../store/schema.ts';

export type DeviceKind = 'browser' | 'mobile' | 'desktop';
export type DeviceState = 'pending' | 'trusted' | 'revoked';

/** Storage of devices (browser cookies, mobile and desktop keys) and their enrolment codes. */
export class DeviceRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(row: DevicesTable): Promise<void> {
    await this.#db.insertInto('devices').values(row).execute();
  }

  find(id: string): Promise<DevicesTable | undefined> {
    return this.#db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByCookieHash(hash: string): Promise<DevicesTable | undefined> {
    return this.#db.selectFrom('devices').selectAll().where('cookie_hash', '=', hash).executeTakeFirst();
  }

  findByKeyId(userId: string | null, keyId: string): Promise<DevicesTable | undefined> {
    let q = this.#db
      .selectFrom('devices')
      .selectAll()
      .where('key_id', '=', keyId)
      .where('state', '!=', 'revoked');
    if (userId) q = q.where('user_id', '=', userId);
    return q.executeTakeFirst();
  }

  listForUser(userId: string): Promise<DevicesTable[]> {
    return this.#db
      .selectFrom('devices')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute();
  }

  async update(id: string, changes: Partial<Omit<DevicesTable, 'id' | 'user_id'>>): Promise<void> {
    await this.#db.updateTable('devices').set(changes).where('id', '=', id).execute();
  }

  /** Revokes a live device; false when it was already revoked. */
  async revoke(id: string, reason: string, now: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('devices')
      .set({ state: 'revoked', revoked_at: now, revoked_reason: reason, remembered_until: null })
      .where('id', '=', id)
      .where('state', '!=', 'revoked')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async insertEnrollment(row: DeviceEnrollmentsTable): Promise<void> {
    await this.#db.insertInto('device_enrollments').values(row).execute();
  }

  findEnrollmentByCodeHash(hash: string): Promise<DeviceEnrollmentsTable | undefined> {
    return this.#db
      .selectFrom('device_enrollments')
      .selectAll()
      .where('code_hash', '=', hash)
      .executeTakeFirst();
  }

  /** Single use: marks the enrolment used unless another request got there first. */
  async claimEnrollment(id: string, deviceId: string, now: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('device_enrollments')
      .set({ used_at: now, device_id: deviceId })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
