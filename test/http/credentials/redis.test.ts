import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from '../../../src/store/index.ts';
import { PG_URL, postgresDb } from '../../support/databases.ts';
import {
  ACC_A,
  type CredHarness,
  createKey,
  ORDER,
  signed,
  startCredHarness,
  strongBearer,
} from './support.ts';

const REDIS = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const env = {
  PORTCULLIS_CREDENTIALS_REDIS_URL: REDIS,
  PORTCULLIS_API_KEY_RATE_BURST: '3',
  PORTCULLIS_API_KEY_RATE_PER_SECOND: '1',
};
const ordersA = `/api/v1/test/accounts/${ACC_A}/orders`;

/** Two nodes sharing PostgreSQL and Redis: nonces and per-key rate limits hold across nodes. */
describe('nonces and rate limits shared through Redis', () => {
  let a: CredHarness;
  let b: CredHarness;
  let drop: () => Promise<void>;
  before(async () => {
    const opened = await postgresDb.open();
    drop = opened.drop;
    a = await startCredHarness({ store: opened.store, keepStore: true, env });
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(a.services.store.db);
    b = await startCredHarness({ store: openStore(PG_URL, { searchPath: rows[0]!.s, poolSize: 2 }), env });
  });
  after(async () => {
    await b.close();
    await a.close();
    await drop();
  });

  test('a request accepted by node A is a replay on node B', async () => {
    const key = await createKey(a, await strongBearer(a, a.userId), {
      scopes: ['trade'],
      constraints: { accounts: [ACC_A], environment: 'paper' },
    });
    const nonce = `n${Date.now().toString(36)}abcdef`;
    // Both nodes' clocks are the harness clock; the signature carries A's time.
    assert.equal((await signed(a, key, 'POST', ordersA, ORDER, { nonce })).statusCode, 200);
    const replay = await signed(b, key, 'POST', ordersA, ORDER, { nonce, timestamp: a.clock.now });
    assert.equal(replay.json().error.code, 'REPLAYED_REQUEST');
  });

  test('the per-key bucket is one bucket across nodes', async () => {
    const key = await createKey(a, await strongBearer(a, a.userId), {
      scopes: ['trade'],
      constraints: { accounts: [ACC_A], environment: 'paper' },
    });
    const codes: number[] = [];
    for (const node of [a, b, a, b]) codes.push((await signed(node, key, 'POST', ordersA, ORDER)).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429]);
  });
});
