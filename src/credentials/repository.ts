import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { ApiKeySecretsTable, ApiKeysTable, DelegatedTokensTable } from './tables.ts';

/** Storage of API keys, their secrets and accounts, epochs and delegated tokens (SQLite and PostgreSQL). */
export class CredentialRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async insertKey(key: ApiKeysTable, secret: ApiKeySecretsTable, accounts: readonly string[]): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await tx.insertInto('api_keys').values(key).execute();
      await tx.insertInto('api_key_secrets').values(secret).execute();
      await tx
        .insertInto('api_key_accounts')
        .values(accounts.map((account_id) => ({ key_id: key.id, account_id })))
        .execute();
    });
  }

  findKey(id: string): Promise<ApiKeysTable | undefined> {
    return this.#db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listKeys(userId: string): Promise<ApiKeysTable[]> {
    return this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  secretsOf(keyId: string): Promise<ApiKeySecretsTable[]> {
    return this.#db
      .selectFrom('api_key_secrets')
      .selectAll()
      .where('key_id', '=', keyId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  /** Retires the current secrets (grace until `graceUntil`) and adds the new one, atomically. */
  async rotate(keyId: string, secret: ApiKeySecretsTable, now: number, graceUntil: number): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      // Secrets already in a grace window end now: at most two secrets are ever valid.
      await tx
        .updateTable('api_key_secrets')
        .set({ grace_until: now })
        .where('key_id', '=', keyId)
        .where('rotated_at', 'is not', null)
        .where('grace_until', '>', now)
        .execute();
      await tx
        .updateTable('api_key_secrets')
        .set({ rotated_at: now, grace_until: graceUntil })
        .where('key_id', '=', keyId)
        .where('rotated_at', 'is', null)
        .execute();
      await tx.insertInto('api_key_secrets').values(secret).execute();
      await tx
        .updateTable('api_keys')
        .set({ expires_at: secret.expires_at, updated_at: now })
        .where('id', '=', keyId)
        .execute();
    });
  }

  async setStatus(
    keyId: string,
    status: ApiKeysTable['status'],
    reason: string | null,
    now: number,
  ): Promise<void> {
    await this.#db.transaction().execute(async (tx) => {
      await tx
        .updateTable('api_keys')
        .set({
          status,
          status_reason: reason,
          updated_at: now,
          ...(status === 'revoked' ? { revoked_at: now } : {}),
        })
        .where('id', '=', keyId)
        .execute();
      if (status === 'revoked') {
        await tx
          .updateTable('api_key_secrets')
          .set({ revoked_at: now })
          .where('key_id', '=', keyId)
          .where('revoked_at', 'is', null)
          .execute();
      }
    });
  }

  /** Active keys covering an account (the kill switch suspends them). */
  async activeKeysForAccount(accountId: string): Promise<ApiKeysTable[]> {
    return this.#db
      .selectFrom('api_keys')
      .innerJoin('api_key_accounts', 'api_key_accounts.key_id', 'api_keys.id')
      .selectAll('api_keys')
      .where('api_key_accounts.account_id', '=', accountId)
      .where('api_keys.status', '=', 'active')
      .execute();
  }

  /** Adds usage counted in memory since the last flush (last use, counters). */
  async addUsage(
    keyId: string,
    usage: { uses: number; denied: number; lastUsedAt: number | null; lastUsedIp: string | null },
  ): Promise<void> {
    await this.#db
      .updateTable('api_keys')
      .set((eb) => ({
        use_count: eb('use_count', '+', usage.uses),
        denied_count: eb('denied_count', '+', usage.denied),
        ...(usage.lastUsedAt !== null
          ? { last_used_at: usage.lastUsedAt, last_used_ip: usage.lastUsedIp }
          : {}),
      }))
      .where('id', '=', keyId)
      .execute();
  }

  // ── epochs ────────────────────────────────────────────────────────────────

  epochsChangedSince(since: number): Promise<{ account_id: string; epoch: number; updated_at: number }[]> {
    return this.#db
      .selectFrom('credential_epochs')
      .select(['account_id', 'epoch', 'updated_at'])
      .where('updated_at', '>=', since)
      .execute();
  }

  /** Increments an account's epoch (creating it at 1) and returns the new value. */
  async bumpEpoch(accountId: string, now: number): Promise<number> {
    return this.#db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('credential_epochs')
        .select('epoch')
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      const epoch = Number(row?.epoch ?? 0) + 1;
      if (row) {
        await tx
          .updateTable('credential_epochs')
          .set({ epoch, updated_at: now })
          .where('account_id', '=', accountId)
          .execute();
      } else {
        await tx
          .insertInto('credential_epochs')
          .values({ account_id: accountId, epoch, updated_at: now })
          .execute();
      }
      return epoch;
    });
  }

  // ── delegated tokens ─────────────────────────────────────────────────────

  async insertToken(row: DelegatedTokensTable): Promise<void> {
    await this.#db.insertInto('delegated_tokens').values(row).execute();
  }

  findToken(id: string): Promise<DelegatedTokensTable | undefined> {
    return this.#db.selectFrom('delegated_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listTokens(userId: string, now: number): Promise<DelegatedTokensTable[]> {
    return this.#db
      .selectFrom('delegated_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .execute();
  }

  async revokeToken(id: string, now: number): Promise<void> {
    await this.#db.updateTable('delegated_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
  }

  /** Ids revoked individually and not yet expired (kept in memory by every node). */
  revokedTokenIds(now: number): Promise<{ id: string }[]> {
    return this.#db
      .selectFrom('delegated_tokens')
      .select('id')
      .where('revoked_at', 'is not', null)
      .where('expires_at', '>', now)
      .execute();
  }

  // ── server keys ──────────────────────────────────────────────────────────

  async serverKey(name: string, create: () => string, now: number): Promise<string> {
    const found = await this.#db
      .selectFrom('credential_server_keys')
      .select('sealed')
      .where('name', '=', name)
      .executeTakeFirst();
    if (found) return found.sealed;
    // Two nodes starting together both try; the first insert wins and both read it back.
    await this.#db
      .insertInto('credential_server_keys')
      .values({ name, sealed: create(), created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.#db
      .selectFrom('credential_server_keys')
      .select('sealed')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.sealed;
  }
}
