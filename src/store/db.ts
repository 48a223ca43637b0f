import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-driver.ts';

export type DbKind = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly kind: DbKind;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// int8 (bigint) holds millisecond timestamps and counters, all far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Opens the database named by `url`: `postgres://…` or `sqlite:PATH`
 * (`sqlite::memory:` for a private in-memory database).
 */
export function openStore(url: string, options: { poolSize?: number; searchPath?: string } = {}): Store {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const database = openSqlite(path);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    return {
      db,
      kind: 'sqlite',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  throw new TypeError('database URL must start with postgres:// or sqlite:');
}
