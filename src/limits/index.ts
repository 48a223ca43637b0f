export { LimitCapacityError } from './errors.ts';
export {
  MAX_NONCE_TTL_MS,
  MemoryNonceCache,
  type MemoryNonceCacheOptions,
  type NonceCache,
} from './nonce-cache.ts';
export {
  MemoryRateLimiter,
  type MemoryRateLimiterOptions,
  type RateLimitDecision,
  type RateLimiter,
  type TokenBucketPolicy,
  takeTokens,
} from './rate-limiter.ts';
export { RedisNonceCache, type RedisNonceCacheOptions } from './redis-nonce-cache.ts';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';
export { RedisSlidingWindow, type RedisSlidingWindowOptions } from './redis-sliding-window.ts';
export {
  MemorySlidingWindow,
  type MemorySlidingWindowOptions,
  type SlidingWindowCounter,
  type SlidingWindowPolicy,
  type WindowCount,
} from './sliding-window.ts';
