import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MemoryRateLimiter, type RateLimiter, type TokenBucketPolicy, takeTokens } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';
import { sleep, testRedis } from './testing.ts';

const shared = testRedis('rate');
after(() => shared.cleanup());

let run = 0;
const implementations: Array<[string, (policy: TokenBucketPolicy) => RateLimiter]> = [
  ['memory', (policy) => new MemoryRateLimiter(policy)],
  [
    'redis',
    (policy) => new RedisRateLimiter(policy, { redis: shared.redis, prefix: `${shared.prefix}${run++}:` }),
  ],
];

for (const [name, make] of implementations) {
  describe(`${name} token bucket`, () => {
    test('a fresh bucket allows a burst of exactly its capacity, then refuses with a retry time', async () => {
      const limiter = make({ capacity: 3, refillPerSecond: 1 });
      for (const remaining of [2, 1, 0]) {
        assert.deepEqual(await limiter.take('k'), { allowed: true, retryAfterMs: 0, remaining });
      }
      const refused = await limiter.take('k');
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.retryAfterMs > 900 && refused.retryAfterMs <= 1000, `retry ${refused.retryAfterMs}`);
    });

    test('buckets are per key', async () => {
      const limiter = make({ capacity: 1, refillPerSecond: 1 });
      assert.equal((await limiter.take('a')).allowed, true);
      assert.equal((await limiter.take('b')).allowed, true);
      assert.equal((await limiter.take('a')).allowed, false);
    });

    test('tokens come back at the refill rate', async () => {
      const limiter = make({ capacity: 2, refillPerSecond: 20 });
      await limiter.take('k', 2);
      assert.equal((await limiter.take('k')).allowed, false);
      await sleep(120);
      assert.equal((await limiter.take('k')).allowed, true);
    });

    test('a cost takes several tokens at once and is refused whole, never in part', async () => {
      const limiter = make({ capacity: 5, refillPerSecond: 0.001 });
      assert.equal((await limiter.take('k', 4)).remaining, 1);
      const refused = await limiter.take('k', 2);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 1);
      assert.equal((await limiter.take('k', 1)).allowed, true);
    });

    test('many parallel takes never exceed the capacity', async () => {
      const limiter = make({ capacity: 25, refillPerSecond: 0.001 });
      const results = await Promise.all(Array.from({ length: 200 }, () => limiter.take('hot')));
      assert.equal(results.filter((r) => r.allowed).length, 25);
    });

    test('a cost above the capacity, zero or fractional is a programming error', async () => {
      const limiter = make({ capacity: 2, refillPerSecond: 1 });
      await assert.rejects(limiter.take('k', 3), TypeError);
      await assert.rejects(limiter.take('k', 0), TypeError);
      await assert.rejects(limiter.take('k', 0.5), TypeError);
    });
  });
}

describe('token bucket arithmetic', () => {
  const policy = { capacity: 10, refillPerSecond: 2 };

  test('refill is capped at the capacity however long the bucket was idle', () => {
    const { state } = takeTokens(policy, { tokens: 0, at: 0 }, 1, 1_000_000);
    assert.equal(state.tokens, 9);
  });

  test('a clock that steps backwards neither refills nor drains the bucket', () => {
    const { state, decision } = takeTokens(policy, { tokens: 3, at: 5000 }, 1, 4000);
    assert.equal(decision.allowed, true);
    assert.equal(state.tokens, 2);
    assert.equal(state.at, 5000);
  });

  test('retryAfterMs is the time until the missing tokens have refilled', () => {
    const { decision } = takeTokens(policy, { tokens: 0.5, at: 0 }, 2, 0);
    assert.deepEqual(decision, { allowed: false, retryAfterMs: 750, remaining: 0 });
  });
});

describe('memory token bucket bounds', () => {
  test('beyond maxKeys the least recently used bucket is dropped', async () => {
    const limiter = new MemoryRateLimiter({ capacity: 1, refillPerSecond: 0.001 }, { maxKeys: 2 });
    limiter.takeSync('a');
    limiter.takeSync('b');
    limiter.takeSync('a');
    limiter.takeSync('c');
    assert.equal(limiter.size, 2);
    assert.equal(limiter.takeSync('a').allowed, false, 'a was used recently and kept');
    assert.equal(limiter.takeSync('b').allowed, true, 'b was dropped and starts full');
  });
});

describe('redis token bucket across nodes', () => {
  test('parallel takes from several connections (as from several nodes) never exceed the capacity', async () => {
    const { Redis } = await import('ioredis');
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const nodes = Array.from({ length: 4 }, () => new Redis(url, { maxRetriesPerRequest: 1 }));
    try {
      const prefix = `${shared.prefix}nodes:`;
      const limiters = nodes.map(
        (redis) => new RedisRateLimiter({ capacity: 30, refillPerSecond: 0.001 }, { redis, prefix }),
      );
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) => limiters[i % 4]!.take('shared')),
      );
      assert.equal(results.filter((r) => r.allowed).length, 30);
    } finally {
      await Promise.all(nodes.map((n) => n.quit()));
    }
  });
});
