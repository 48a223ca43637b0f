import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verify } from '@node-rs/argon2';
import { HashPool } from './hash-pool.ts';

const options = { algorithm: 2 as const, memoryCost: 8192, timeCost: 1, parallelism: 1 };

test('the pool hashes and verifies with argon2id interchangeably with the library itself', async () => {
  const pool = new HashPool({ threads: 2, nice: 10 });
  try {
    const stored = (await pool.run({ op: 'hash', password: 'pool passphrase one', options })) as string;
    assert.match(stored, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    assert.equal(await verify(stored, 'pool passphrase one'), true);
    assert.equal(await pool.run({ op: 'verify', stored, password: 'pool passphrase one', options }), true);
    assert.equal(await pool.run({ op: 'verify', stored, password: 'pool passphrase two', options }), false);
  } finally {
    await pool.close();
  }
});

test('more jobs than threads all complete, each with its own answer', async () => {
  const pool = new HashPool({ threads: 2, nice: 10 });
  try {
    const words = Array.from({ length: 6 }, (_, i) => `concurrent passphrase ${i}`);
    const hashes = (await Promise.all(
      words.map((password) => pool.run({ op: 'hash', password, options })),
    )) as string[];
    const checks = await Promise.all(
      hashes.map((stored, i) => pool.run({ op: 'verify', stored, password: words[(i + 1) % 6]!, options })),
    );
    assert.deepEqual(checks, [false, false, false, false, false, false]);
    assert.equal(new Set(hashes).size, 6);
  } finally {
    await pool.close();
  }
});

test('a malformed stored hash rejects the job without killing the thread', async () => {
  const pool = new HashPool({ threads: 1, nice: 10 });
  try {
    await assert.rejects(pool.run({ op: 'verify', stored: 'not-a-hash', password: 'x', options }));
    const stored = (await pool.run({ op: 'hash', password: 'still alive', options })) as string;
    assert.equal(await pool.run({ op: 'verify', stored, password: 'still alive', options }), true);
  } finally {
    await pool.close();
  }
});

test('misuse is a TypeError: a pool needs at least one thread', () => {
  assert.throws(() => new HashPool({ threads: 0, nice: 10 }), TypeError);
});
