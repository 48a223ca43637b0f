import type { Kysely } from 'kysely';
import type { TradingState } from '../risk/trading-state.ts';
import type { Role } from '../risk/types.ts';
import type { Database } from '../store/schema.ts';
import { dec } from '../trading/decimal.ts';
import type { FactorTier, LegalEntity } from './entities.ts';
import type { AccountLimits, AccountRecord, Membership } from './model.ts';
import type { AccountsTable } from './tables.ts';

function toRecord(r: AccountsTable): AccountRecord {
  return {
    id: r.id,
    entityId: r.entity_id,
    parentId: r.parent_id,
    name: r.name,
    kind: r.kind as AccountRecord['kind'],
    accountType: r.account_type as AccountRecord['accountType'],
    baseCurrency: r.base_currency,
    status: r.status as AccountRecord['status'],
    environment: r.environment as AccountRecord['environment'],
    permissions: JSON.parse(r.permissions),
    subscriptions: JSON.parse(r.subscriptions),
    limits: JSON.parse(r.limits),
    tradingState: r.trading_state as TradingState,
    haltedAt: r.halted_at,
    createdAt: Number(r.created_at),
  };
}

function frozen(a: AccountRecord): AccountRecord {
  Object.freeze(a.permissions);
  Object.freeze(a.subscriptions);
  Object.freeze(a.limits);
  return Object.freeze(a);
}

interface Cached<T> {
  value: T;
  at: number;
}

/**
 * Storage access for entities, accounts and memberships. Every request on an
 * account checks the caller's role on it, so a node reuses an account record
 * and a membership for at most `cacheMs` (the same bound as sessions,
 * docs/decisions/0003); every write through this repository evicts what it
 * changed at once. Cached records are frozen: callers read, never mutate.
 */
export class AccountRepository {
  readonly #db: Kysely<Database>;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #accounts = new Map<string, Cached<AccountRecord | undefined>>();
  readonly #roles = new Map<string, Cached<Role | undefined>>();

  constructor(db: Kysely<Database>, options: { cacheMs?: number; now?: () => number } = {}) {
    this.#db = db;
    this.#cacheMs = options.cacheMs ?? 0;
    this.#now = options.now ?? Date.now;
  }

  #fresh<T>(map: Map<string, Cached<T>>, key: string): Cached<T> | undefined {
    const hit = map.get(key);
    return hit && this.#now() - hit.at <= this.#cacheMs ? hit : undefined;
  }

  #remember<T>(map: Map<string, Cached<T>>, key: string, value: T): T {
    if (this.#cacheMs > 0) {
      if (map.size > 100_000) map.clear();
      map.set(key, { value, at: this.#now() });
    }
    return value;
  }

  #forget(accountId: string): void {
    this.#accounts.delete(accountId);
    for (const key of this.#roles.keys()) if (key.startsWith(`${accountId} `)) this.#roles.delete(key);
  }

  async upsertEntities(entities: readonly LegalEntity[]): Promise<void> {
    for (const e of entities) {
      const row = {
        id: e.id,
        name: e.name,
        region: e.region,
        base_currency: e.baseCurrency,
        products: JSON.stringify(e.products),
        withdrawal_limits: JSON.stringify(e.withdrawalLimits),
      };
      const found = await this.#db
        .selectFrom('legal_entities')
        .select('id')
        .where('id', '=', e.id)
        .executeTakeFirst();
      if (found) await this.#db.updateTable('legal_entities').set(row).where('id', '=', e.id).execute();
      else await this.#db.insertInto('legal_entities').values(row).execute();
    }
  }

  async entities(): Promise<LegalEntity[]> {
    const rows = await this.#db.selectFrom('legal_entities').selectAll().orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      region: r.region,
      baseCurrency: r.base_currency,
      products: JSON.parse(r.products),
      withdrawalLimits: Object.fromEntries(
        Object.entries(JSON.parse(r.withdrawal_limits) as Record<string, string>).map(([k, v]) => [
          k,
          dec(v),
        ]),
      ) as Record<FactorTier, ReturnType<typeof dec>>,
    }));
  }

  async insert(a: AccountRecord, members: readonly Membership[]): Promise<void> {
    this.#forget(a.id);
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('accounts')
        .values({
          id: a.id,
          entity_id: a.entityId,
          parent_id: a.parentId,
          name: a.name,
          kind: a.kind,
          account_type: a.accountType,
          base_currency: a.baseCurrency,
          status: a.status,
          environment: a.environment,
          permissions: JSON.stringify(a.permissions),
          subscriptions: JSON.stringify(a.subscriptions),
          limits: JSON.stringify(a.limits),
          trading_state: a.tradingState,
          halted_at: a.haltedAt,
          created_at: a.createdAt,
          updated_at: a.createdAt,
        })
        .execute();
      if (members.length > 0) {
        await trx
          .insertInto('account_members')
          .values(
            members.map((m) => ({
              account_id: m.accountId,
              user_id: m.userId,
              role: m.role,
              created_at: a.createdAt,
            })),
          )
          .execute();
      }
    });
    this.#forget(a.id);
  }

  async find(id: string): Promise<AccountRecord | undefined> {
    const hit = this.#fresh(this.#accounts, id);
    if (hit) return hit.value;
    const r = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return this.#remember(this.#accounts, id, r ? frozen(toRecord(r)) : undefined);
  }

  async roleOf(accountId: string, userId: string): Promise<Role | undefined> {
    const key = `${accountId} ${userId}`;
    const hit = this.#fresh(this.#roles, key);
    if (hit) return hit.value;
    const r = await this.#db
      .selectFrom('account_members')
      .select('role')
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return this.#remember(this.#roles, key, r?.role as Role | undefined);
  }

  async addMember(m: Membership, at: number): Promise<void> {
    this.#forget(m.accountId);
    await this.#db
      .insertInto('account_members')
      .values({ account_id: m.accountId, user_id: m.userId, role: m.role, created_at: at })
      .execute();
    this.#forget(m.accountId);
  }

  async members(accountId: string): Promise<Membership[]> {
    const rows = await this.#db
      .selectFrom('account_members')
      .selectAll()
      .where('account_id', '=', accountId)
      .execute();
    return rows.map((r) => ({ accountId: r.account_id, userId: r.user_id, role: r.role as Role }));
  }

  async listForUser(userId: string): Promise<{ account: AccountRecord; role: Role }[]> {
    const rows = await this.#db
      .selectFrom('account_members')
      .innerJoin('accounts', 'accounts.id', 'account_members.account_id')
      .selectAll('accounts')
      .select('account_members.role as member_role')
      .where('account_members.user_id', '=', userId)
      .orderBy('accounts.created_at')
      .execute();
    return rows.map((r) => ({ account: toRecord(r), role: r.member_role as Role }));
  }

  async setTradingState(id: string, state: TradingState, haltedAt: number | null, at: number): Promise<void> {
    this.#forget(id);
    await this.#db
      .updateTable('accounts')
      .set({ trading_state: state, halted_at: haltedAt, updated_at: at })
      .where('id', '=', id)
      .execute();
    this.#forget(id);
  }

  async setLimits(id: string, limits: AccountLimits, at: number): Promise<void> {
    this.#forget(id);
    await this.#db
      .updateTable('accounts')
      .set({ limits: JSON.stringify(limits), updated_at: at })
      .where('id', '=', id)
      .execute();
    this.#forget(id);
  }

  async recordPermissionRequest(row: {
    id: string;
    accountId: string;
    userId: string;
    product: string;
    level: number | null;
    at: number;
  }): Promise<void> {
    await this.#db
      .insertInto('permission_requests')
      .values({
        id: row.id,
        account_id: row.accountId,
        user_id: row.userId,
        product: row.product,
        level: row.level,
        status: 'pending_review',
        created_at: row.at,
      })
      .execute();
  }
}
