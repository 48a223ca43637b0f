import type { Kysely } from 'kysely';
import type { KeyRing } from '../store/envelope.ts';
import type { Database } from '../store/schema.ts';
import type { FactorMethod, StoredFactor } from './factors/types.ts';
import type { AuthnFactorsTable } from './tables.ts';

export interface FactorRow extends StoredFactor {
  deviceId: string | null;
  version: number;
}

/**
 * Enrolled factors. A factor's `data` (TOTP seed, hashed recovery codes,
 * WebAuthn public key, device key) is sealed under the key ring with the
 * factor id as associated data, so a sealed value cannot be moved to another
 * row and a database dump alone reveals no seed.
 */
export class FactorStore {
  readonly #db: Kysely<Database>;
  readonly #ring: KeyRing;
  constructor(db: Kysely<Database>, ring: KeyRing) {
    this.#db = db;
    this.#ring = ring;
  }

  async insert(f: StoredFactor, deviceId: string | null = null): Promise<void> {
    await this.#db
      .insertInto('authn_factors')
      .values({
        id: f.id,
        user_id: f.userId,
        method: f.method,
        label: f.label.slice(0, 64),
        status: f.status,
        device_id: deviceId,
        sealed_data: this.#seal(f.id, f.data),
        created_at: f.createdAt,
        confirmed_at: f.confirmedAt,
        last_used_at: f.lastUsedAt,
        removed_at: f.removedAt,
        version: 0,
      })
      .execute();
  }

  /** Compare-and-set on `version`; false when another request changed the factor first. */
  async update(f: FactorRow): Promise<boolean> {
    const r = await this.#db
      .updateTable('authn_factors')
      .set({
        label: f.label.slice(0, 64),
        status: f.status,
        device_id: f.deviceId,
        sealed_data: this.#seal(f.id, f.data),
        confirmed_at: f.confirmedAt,
        last_used_at: f.lastUsedAt,
        removed_at: f.removedAt,
        version: f.version + 1,
      })
      .where('id', '=', f.id)
      .where('version', '=', f.version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async find(id: string): Promise<FactorRow | undefined> {
    const row = await this.#db
      .selectFrom('authn_factors')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? this.#row(row) : undefined;
  }

  async listForUser(userId: string, statuses: readonly string[] = ['active']): Promise<FactorRow[]> {
    const rows = await this.#db
      .selectFrom('authn_factors')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', 'in', [...statuses])
      .orderBy('created_at')
      .execute();
    return rows.map((r) => this.#row(r));
  }

  async listByDevice(deviceId: string): Promise<FactorRow[]> {
    const rows = await this.#db
      .selectFrom('authn_factors')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('status', '=', 'active')
      .execute();
    return rows.map((r) => this.#row(r));
  }

  #seal(id: string, data: unknown): string {
    return this.#ring.seal(JSON.stringify(data), `factor:${id}`);
  }

  #row(r: AuthnFactorsTable): FactorRow {
    return {
      id: r.id,
      userId: r.user_id,
      method: r.method as FactorMethod,
      label: r.label,
      status: r.status as StoredFactor['status'],
      createdAt: Number(r.created_at),
      confirmedAt: r.confirmed_at === null ? null : Number(r.confirmed_at),
      lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
      removedAt: r.removed_at === null ? null : Number(r.removed_at),
      data: JSON.parse(this.#ring.open(r.sealed_data, `factor:${r.id}`).toString('utf8')),
      deviceId: r.device_id,
      version: r.version,
    };
  }
}
