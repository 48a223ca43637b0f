import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { LimitCapacityError } from './errors.ts';
import { MemoryNonceCache, type NonceCache } from './nonce-cache.ts';
import { RedisNonceCache } from './redis-nonce-cache.ts';
import { sleep, testRedis } from './testing.ts';

const shared = testRedis('nonce');
after(() => shared.cleanup());

const implementations: Array<[string, () => NonceCache]> = [
  ['memory', () => new MemoryNonceCache()],
  ['redis', () => new RedisNonceCache({ redis: shared.redis, prefix: `${shared.prefix}${Math.random()}:` })],
];

for (const [name, make] of implementations) {
  describe(`${name} nonce cache`, () => {
    test('a first nonce is fresh and the same nonce again is a replay', async () => {
      const cache = make();
      assert.equal(await cache.checkAndStore('key_a', 'nonce-0001', 1000), true);
      assert.equal(await cache.checkAndStore('key_a', 'nonce-0001', 1000), false);
    });

    test('the same nonce under another key is fresh (nonces are per key)', async () => {
      const cache = make();
      assert.equal(await cache.checkAndStore('key_a', 'nonce-0001', 1000), true);
      assert.equal(await cache.checkAndStore('key_b', 'nonce-0001', 1000), true);
    });

    test('key and nonce are joined unambiguously (a:b:c never collides across the split)', async () => {
      const cache = make();
      assert.equal(await cache.checkAndStore('a:b', 'c', 1000), true);
      assert.equal(await cache.checkAndStore('a', 'b:c', 1000), true);
    });

    test('a nonce becomes fresh again once its ttl has passed', async () => {
      const cache = make();
      assert.equal(await cache.checkAndStore('key_a', 'nonce-ttl', 30), true);
      await sleep(60);
      assert.equal(await cache.checkAndStore('key_a', 'nonce-ttl', 30), true);
    });

    test('of many parallel uses of one nonce exactly one is fresh', async () => {
      const cache = make();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => cache.checkAndStore('key_p', 'nonce-race', 1000)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    test('a ttl that is not a positive integer within 10 minutes is a programming error', async () => {
      const cache = make();
      await assert.rejects(cache.checkAndStore('k', 'n', 0), TypeError);
      await assert.rejects(cache.checkAndStore('k', 'n', 1.5), TypeError);
      await assert.rejects(cache.checkAndStore('k', 'n', 3_600_000), TypeError);
    });
  });
}

describe('memory nonce cache bounds', () => {
  test('expired entries are reclaimed as new nonces arrive, so memory follows the live window', () => {
    let now = 0;
    const cache = new MemoryNonceCache({ now: () => now });
    for (let i = 0; i < 1000; i++) cache.checkAndStoreSync('k', `n${i}`, 100);
    assert.equal(cache.size, 1000);
    now = 1000;
    cache.checkAndStoreSync('k', 'm0', 100);
    assert.equal(cache.size, 1000 - 64 + 1, 'each call reclaims a bounded batch of expired entries');
    for (let i = 1; i < 20; i++) cache.checkAndStoreSync('k', `m${i}`, 100);
    assert.equal(cache.size, 20);
  });

  test('when full of live nonces it refuses with LimitCapacityError instead of forgetting one', () => {
    const now = 0;
    const cache = new MemoryNonceCache({ maxEntries: 3, now: () => now });
    for (const n of ['a', 'b', 'c']) assert.equal(cache.checkAndStoreSync('k', n, 100), true);
    assert.throws(() => cache.checkAndStoreSync('k', 'd', 100), LimitCapacityError);
    assert.equal(cache.checkAndStoreSync('k', 'a', 100), false, 'a live nonce is still remembered');
  });

  test('when full, expired entries make room for new ones', () => {
    let now = 0;
    const cache = new MemoryNonceCache({ maxEntries: 3, now: () => now });
    for (const n of ['a', 'b', 'c']) cache.checkAndStoreSync('k', n, 100);
    now = 200;
    assert.equal(cache.checkAndStoreSync('k', 'd', 100), true);
    assert.equal(cache.size, 1);
  });
});
