import type { Redis } from 'ioredis';
import { assertPositiveInteger, compositeKey } from './errors.ts';
import { MAX_NONCE_TTL_MS, type NonceCache } from './nonce-cache.ts';

export interface RedisNonceCacheOptions {
  redis: Redis;
  /** Key prefix; default `pc:nonce:`. */
  prefix?: string;
}

/**
 * Nonce cache shared by every node: one `SET key 1 PX ttl NX` per request, so
 * the check and the store are a single atomic step and Redis expires entries.
 * Redis errors propagate, so signed requests fail closed when Redis is down.
 */
export class RedisNonceCache implements NonceCache {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: RedisNonceCacheOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'pc:nonce:';
  }

  async checkAndStore(keyId: string, nonce: string, ttlMs: number): Promise<boolean> {
    assertPositiveInteger('ttlMs', ttlMs, MAX_NONCE_TTL_MS);
    const reply = await this.#redis.set(this.#prefix + compositeKey(keyId, nonce), '1', 'PX', ttlMs, 'NX');
    return reply === 'OK';
  }
}
