import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Database } from '../schema.ts';
import * as m0001 from './0001_foundation.ts';
import * as m0002 from './0002_authn.ts';
import * as m0003 from './0003_accounts.ts';
import * as m0004 from './0004_credentials.ts';
import * as m0005 from './0005_open_orders_index.ts';

/** Migrations in order; names sort lexically. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_authn': m0002,
  '0003_accounts': m0003,
  '0004_credentials': m0004,
  '0005_open_orders_index': m0005,
};

/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(store: Kysely<Database>): Promise<string[]> {
  const db = store as unknown as Kysely<unknown>;
  // On PostgreSQL, name the schema: Kysely otherwise looks for its tables in every schema and can
  // mistake another schema's (another test run's) lock table for this one's.
  const schema = await currentSchema(db);
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'pc_migrations',
    migrationLockTableName: 'pc_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

async function currentSchema(db: Kysely<unknown>): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    return rows[0]?.schema;
  } catch {
    return undefined; // SQLite has no schemas
  }
}
