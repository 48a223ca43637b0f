import type { Kysely } from 'kysely';
import { AppError } from '../errors/index.ts';
import { newId } from '../store/ids.ts';
import type { Database } from '../store/schema.ts';
import type { UserStatus, UsersTable } from './tables.ts';

export interface User {
  id: string;
  loginName: string;
  email: string | null;
  phone: string | null;
  displayName: string;
  status: UserStatus;
  isAdmin: boolean;
  passwordChangedAt: string | null;
  createdAt: string;
}

/** Login names and emails compare case-insensitively after NFKC. */
export function normaliseIdentifier(identifier: string): string {
  return identifier.normalize('NFKC').trim().toLowerCase();
}

export function toUser(row: UsersTable): User {
  return {
    id: row.id,
    loginName: row.login_name,
    email: row.email,
    phone: row.phone,
    displayName: row.display_name,
    status: row.status,
    isAdmin: row.is_admin === 1,
    passwordChangedAt:
      row.password_changed_at === null ? null : new Date(row.password_changed_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Storage access for users; nothing outside `identity` touches the table. */
export class UserRepository {
  readonly #db: Kysely<Database>;
  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insert(input: {
    loginName: string;
    email: string | null;
    phone: string | null;
    displayName: string;
    passwordHash: string;
    isAdmin: boolean;
    now: number;
  }): Promise<UsersTable> {
    const row: UsersTable = {
      id: newId('usr'),
      login_name: normaliseIdentifier(input.loginName),
      email: input.email ? normaliseIdentifier(input.email) : null,
      phone: input.phone,
      display_name: input.displayName,
      status: 'active',
      is_admin: input.isAdmin ? 1 : 0,
      password_hash: input.passwordHash,
      password_changed_at: input.now,
      locked_reason: null,
      created_at: input.now,
      updated_at: input.now,
    };
    const clash = await this.findByIdentifier(row.login_name);
    const emailClash = row.email ? await this.findByIdentifier(row.email) : undefined;
    if (clash || emailClash) throw new AppError('LOGIN_NAME_TAKEN');
    try {
      await this.#db.insertInto('users').values(row).execute();
    } catch (err) {
      // A concurrent insert won the unique constraint.
      if (/unique|duplicate/i.test(String((err as Error).message))) throw new AppError('LOGIN_NAME_TAKEN');
      throw err;
    }
    return row;
  }

  findById(id: string): Promise<UsersTable | undefined> {
    return this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** By login name or email. */
  findByIdentifier(identifier: string): Promise<UsersTable | undefined> {
    const id = normaliseIdentifier(identifier);
    return this.#db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('login_name', '=', id), eb('email', '=', id)]))
      .executeTakeFirst();
  }

  list(limit: number, afterId?: string): Promise<UsersTable[]> {
    let q = this.#db.selectFrom('users').selectAll().orderBy('id').limit(limit);
    if (afterId) q = q.where('id', '>', afterId);
    return q.execute();
  }

  async setStatus(id: string, status: UserStatus, reason: string | null, now: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('users')
      .set({ status, locked_reason: reason, updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setPasswordHash(id: string, passwordHash: string, now: number, changed: boolean): Promise<void> {
    await this.#db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: now, ...(changed ? { password_changed_at: now } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async count(): Promise<number> {
    const r = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
