import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LUA_NOW_MS, RedisScript } from './redis-script.ts';
import {
  assertWindowPolicy,
  type SlidingWindowCounter,
  type SlidingWindowPolicy,
  type WindowCount,
} from './sliding-window.ts';

/**
 * One sorted set per key, scored by Redis time: drop events at or before
 * now - window, optionally add this one, keep only the newest `limit`, and
 * let the key expire one window after its last event.
 */
const COUNT = new RedisScript(`${LUA_NOW_MS}
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  local n = redis.call('ZCARD', KEYS[1])
  if n > limit then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - limit - 1) end
  redis.call('PEXPIRE', KEYS[1], window)
end
return redis.call('ZCARD', KEYS[1])`);

export interface RedisSlidingWindowOptions {
  redis: Redis;
  /** Key prefix; default `pc:sw:`. Use one prefix per policy. */
  prefix?: string;
}

/** Sliding windows shared by every node, so a breaker trips on the cluster-wide count. */
export class RedisSlidingWindow implements SlidingWindowCounter {
  readonly #policy: SlidingWindowPolicy;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(policy: SlidingWindowPolicy, options: RedisSlidingWindowOptions) {
    this.#policy = assertWindowPolicy(policy);
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'pc:sw:';
  }

  record(key: string): Promise<WindowCount> {
    // A random member keeps events in the same millisecond distinct.
    return this.#run(key, randomBytes(9).toString('base64url'));
  }

  count(key: string): Promise<WindowCount> {
    return this.#run(key, '');
  }

  async reset(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }

  async #run(key: string, member: string): Promise<WindowCount> {
    const reply = await COUNT.run(this.#redis, this.#prefix + key, [
      this.#policy.windowMs,
      this.#policy.limit,
      member,
    ]);
    const count = Number(reply);
    return { count, reached: count >= this.#policy.limit };
  }
}
