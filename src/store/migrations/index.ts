import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Database } from '../schema.ts';
import * as m0001 from './0001_foundation.ts';

/** Migrations in order; names sort lexically. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(store: Kysely<Database>): Promise<string[]> {
  const db = store as unknown as Kysely<unknown>;
  const migrator = new Migrator({ db, provider, migrationTableName: 'pc_migrations', migrationLockTableName: 'pc_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
