import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';
import { RUN_ENV } from './global.ts';

/**
 * The databases every contract test runs against. PostgreSQL is required, not
 * optional: a suite that cannot reach it fails rather than skipping.
 */
export const PG_URL = process.env['PORTCULLIS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  kind: 'sqlite' | 'postgres';
  open(): Promise<{ store: Store; drop(): Promise<void> }>;
}

export const sqliteDb: TestDb = {
  kind: 'sqlite',
  open: async () => {
    const store = openStore('sqlite::memory:');
    return { store, drop: () => store.close() };
  },
};

/**
 * A fresh schema per call, so test files never see each other's rows. Under the
 * test command they live in the run's own database, dropped whole by the global
 * teardown once every file is done (see global.ts); a file run on its own uses
 * the `test` database and drops its schema when it closes.
 */
export const postgresDb: TestDb = {
  kind: 'postgres',
  open: async () => {
    const run = process.env[RUN_ENV];
    const schema = `pc_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const store = openStore(PG_URL, { searchPath: schema, poolSize: 4 });
    return {
      store,
      drop: async () => {
        await store.close();
        if (run) return;
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      },
    };
  },
};

export const ALL_DBS: TestDb[] = [sqliteDb, postgresDb];
