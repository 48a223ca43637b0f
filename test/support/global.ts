import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Runs once around the whole test run (`--test-global-setup`).
 *
 * Each PostgreSQL test suite gets its own schema. Dropping a schema while another
 * test process is applying migrations breaks that process: Kysely's migrator
 * introspects every schema of the database, and a table that vanishes during the
 * scan answers "schema does not exist". So the suites only close their stores,
 * and the schemas of this run are dropped here, once every test file is done.
 */
export const RUN_ENV = 'PORTCULLIS_TEST_RUN';
const PG_URL = process.env['PORTCULLIS_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export function globalSetup(): void {
  process.env[RUN_ENV] = randomBytes(4).toString('hex');
}

export async function globalTeardown(): Promise<void> {
  const run = process.env[RUN_ENV];
  if (!run) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      'select nspname from pg_namespace where nspname like $1',
      [`pc_test_${run}_%`],
    );
    for (const { nspname } of rows) await client.query(`drop schema ${nspname} cascade`);
  } finally {
    await client.end();
  }
}
