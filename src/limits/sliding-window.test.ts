import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RedisSlidingWindow } from './redis-sliding-window.ts';
import {
  MemorySlidingWindow,
  type SlidingWindowCounter,
  type SlidingWindowPolicy,
} from './sliding-window.ts';
import { sleep, testRedis } from './testing.ts';

const shared = testRedis('window');
after(() => shared.cleanup());

let run = 0;
const implementations: Array<[string, (policy: SlidingWindowPolicy) => SlidingWindowCounter]> = [
  ['memory', (policy) => new MemorySlidingWindow(policy)],
  [
    'redis',
    (policy) => new RedisSlidingWindow(policy, { redis: shared.redis, prefix: `${shared.prefix}${run++}:` }),
  ],
];

for (const [name, make] of implementations) {
  describe(`${name} sliding window`, () => {
    test('the limit is reached on the N-th event within the window', async () => {
      const window = make({ limit: 3, windowMs: 10_000 });
      assert.deepEqual(await window.record('bot'), { count: 1, reached: false });
      assert.deepEqual(await window.record('bot'), { count: 2, reached: false });
      assert.deepEqual(await window.record('bot'), { count: 3, reached: true });
      assert.deepEqual(await window.count('bot'), { count: 3, reached: true });
    });

    test('the count saturates at the limit, keeping only the newest N events', async () => {
      const window = make({ limit: 2, windowMs: 10_000 });
      for (let i = 0; i < 5; i++) await window.record('bot');
      assert.deepEqual(await window.count('bot'), { count: 2, reached: true });
    });

    test('events older than the window no longer count', async () => {
      const window = make({ limit: 2, windowMs: 80 });
      await window.record('bot');
      await sleep(120);
      assert.deepEqual(await window.record('bot'), { count: 1, reached: false });
    });

    test('windows are per key and reset clears one key', async () => {
      const window = make({ limit: 2, windowMs: 10_000 });
      await window.record('a');
      await window.record('a');
      await window.record('b');
      await window.reset('a');
      assert.equal((await window.count('a')).count, 0);
      assert.equal((await window.count('b')).count, 1);
    });

    test('parallel events are all counted (each recorded exactly once)', async () => {
      const window = make({ limit: 1000, windowMs: 10_000 });
      await Promise.all(Array.from({ length: 100 }, () => window.record('burst')));
      assert.equal((await window.count('burst')).count, 100);
    });
  });
}

describe('memory sliding window with a controlled clock', () => {
  test('an event at t stops counting exactly when now - t reaches the window', async () => {
    let now = 1000;
    const window = new MemorySlidingWindow({ limit: 5, windowMs: 100 }, { now: () => now });
    window.recordSync('k');
    now = 1099;
    assert.equal((await window.count('k')).count, 1);
    now = 1100;
    assert.equal((await window.count('k')).count, 0);
  });

  test('a limit or window that is not a positive integer is a programming error', () => {
    assert.throws(() => new MemorySlidingWindow({ limit: 0, windowMs: 100 }), TypeError);
    assert.throws(() => new MemorySlidingWindow({ limit: 2, windowMs: 1.5 }), TypeError);
  });
});
