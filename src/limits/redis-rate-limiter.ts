import type { Redis } from 'ioredis';
import {
  assertCost,
  assertPolicy,
  type RateLimitDecision,
  type RateLimiter,
  type TokenBucketPolicy,
} from './rate-limiter.ts';
import { LUA_NOW_MS, RedisScript } from './redis-script.ts';

/**
 * The refill-and-take step of `takeTokens`, atomic in Redis and timed by the
 * Redis clock. State is a hash { t: tokens, at: ms }; the key expires once the
 * bucket would be full again, so idle buckets cost nothing.
 */
const TAKE = new RedisScript(`${LUA_NOW_MS}
local capacity = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
elseif now > at then
  tokens = math.min(capacity, tokens + (now - at) * perMs)
  at = now
end
local allowed = 0
local retry = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  retry = math.max(1, math.ceil((cost - tokens) / perMs))
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'at', string.format('%d', at))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
return {allowed, retry, math.floor(tokens)}`);

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Key prefix; default `pc:rl:`. Use one prefix per policy. */
  prefix?: string;
}

/** Token buckets shared by every node; one atomic script call per take. */
export class RedisRateLimiter implements RateLimiter {
  readonly #policy: TokenBucketPolicy;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(policy: TokenBucketPolicy, options: RedisRateLimiterOptions) {
    this.#policy = assertPolicy(policy);
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'pc:rl:';
  }

  async take(key: string, cost = 1): Promise<RateLimitDecision> {
    assertCost(this.#policy, cost);
    const reply = (await TAKE.run(this.#redis, this.#prefix + key, [
      this.#policy.capacity,
      this.#policy.refillPerSecond / 1000,
      cost,
    ])) as [number, number, number];
    return { allowed: reply[0] === 1, retryAfterMs: reply[1], remaining: reply[2] };
  }
}
