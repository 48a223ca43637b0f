import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Runs once around the whole test run (`--test-global-setup`).
 *
 * The run gets its own PostgreSQL database, and each suite its own schema in
 * it. Dropping a schema while another process applies migrations breaks that
 * process: Kysely's migrator introspects every schema of the database, and a
 * table that vanishes during the scan answers "schema does not exist". The
 * catalogue is per database, so other runs on the same server (a developer's,
 * a second checkout's) cannot disturb this one; within the run, suites only
 * close their stores, and the whole database is dropped here once every test
 * file is done.
 */
export const RUN_ENV = 'PORTCULLIS_TEST_RUN';
const URL_ENV = 'PORTCULLIS_TEST_PG_URL';
const BASE_URL = process.env[URL_ENV] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Databases of runs that never reached their teardown are dropped after this long. */
const STALE_SECONDS = 6 * 3600;

function urlFor(database: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.href;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function globalSetup(): Promise<void> {
  const run = `${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const database = `pc_run_${run}`;
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like 'pc\\_run\\_%'",
    );
    const cutoff = Date.now() / 1000 - STALE_SECONDS;
    for (const { datname } of rows) {
      const started = Number(/^pc_run_(\d+)_/.exec(datname)?.[1]);
      if (started < cutoff) await c.query(`drop database if exists ${datname} with (force)`);
    }
    await c.query(`create database ${database}`);
  });
  process.env[RUN_ENV] = run;
  process.env[URL_ENV] = urlFor(database);
}

export async function globalTeardown(): Promise<void> {
  const run = process.env[RUN_ENV];
  if (!run) return;
  await withAdmin((c) => c.query(`drop database if exists pc_run_${run} with (force)`));
}
