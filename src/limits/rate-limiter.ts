import { assertPositiveInteger, assertPositiveNumber } from './errors.ts';

/** A token bucket: holds at most `capacity` tokens and regains `refillPerSecond` of them each second. */
export interface TokenBucketPolicy {
  capacity: number;
  refillPerSecond: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** 0 when allowed; otherwise how long until `cost` tokens are available. */
  retryAfterMs: number;
  /** Whole tokens left after this call. */
  remaining: number;
}

/** Structurally compatible with the login flow's `AttemptLimiter`. */
export interface RateLimiter {
  take(key: string, cost?: number): Promise<RateLimitDecision>;
}

export function assertPolicy(policy: TokenBucketPolicy): TokenBucketPolicy {
  assertPositiveInteger('capacity', policy.capacity);
  assertPositiveNumber('refillPerSecond', policy.refillPerSecond);
  return policy;
}

/** A cost must be a positive integer no larger than the bucket; anything else is a programming error. */
export function assertCost(policy: TokenBucketPolicy, cost: number): number {
  return assertPositiveInteger('cost', cost, policy.capacity);
}

/** The pure refill-and-take step shared by the in-memory limiter and mirrored by the Lua script. */
export function takeTokens(
  policy: TokenBucketPolicy,
  state: { tokens: number; at: number } | undefined,
  cost: number,
  now: number,
): { decision: RateLimitDecision; state: { tokens: number; at: number } } {
  const perMs = policy.refillPerSecond / 1000;
  let tokens = state === undefined ? policy.capacity : state.tokens;
  const at = state === undefined ? now : Math.max(state.at, now);
  if (state !== undefined && now > state.at)
    tokens = Math.min(policy.capacity, tokens + (now - state.at) * perMs);
  if (tokens >= cost) {
    tokens -= cost;
    return {
      decision: { allowed: true, retryAfterMs: 0, remaining: Math.floor(tokens) },
      state: { tokens, at },
    };
  }
  const retryAfterMs = Math.max(1, Math.ceil((cost - tokens) / perMs));
  return { decision: { allowed: false, retryAfterMs, remaining: Math.floor(tokens) }, state: { tokens, at } };
}

export interface MemoryRateLimiterOptions {
  /** Most buckets kept; the least recently used is dropped beyond it. Default 100,000. */
  maxKeys?: number;
  now?: () => number;
}

/**
 * In-process token buckets. Buckets live in a Map kept in least-recently-used
 * order (each take moves its bucket to the end), so memory is bounded by
 * `maxKeys`. Dropping a bucket forgets its debt, so the bound only errs toward
 * leniency for the idlest key; size it above the number of active keys.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #policy: TokenBucketPolicy;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(policy: TokenBucketPolicy, options: MemoryRateLimiterOptions = {}) {
    this.#policy = assertPolicy(policy);
    this.#maxKeys = assertPositiveInteger('maxKeys', options.maxKeys ?? 100_000);
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#buckets.size;
  }

  async take(key: string, cost = 1): Promise<RateLimitDecision> {
    return this.takeSync(key, cost);
  }

  takeSync(key: string, cost = 1): RateLimitDecision {
    assertCost(this.#policy, cost);
    const previous = this.#buckets.get(key);
    const { decision, state } = takeTokens(this.#policy, previous, cost, this.#now());
    if (previous !== undefined) this.#buckets.delete(key);
    this.#buckets.set(key, state);
    if (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (!oldest.done) this.#buckets.delete(oldest.value);
    }
    return decision;
  }
}
