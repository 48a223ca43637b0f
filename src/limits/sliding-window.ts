import { assertPositiveInteger } from './errors.ts';

/** "`limit` events within `windowMs`": the shape of a circuit-breaker rule. */
export interface SlidingWindowPolicy {
  limit: number;
  windowMs: number;
}

export interface WindowCount {
  /** Events inside the window, including this one; saturates at `limit`. */
  count: number;
  /** True once `limit` events fall inside the window. */
  reached: boolean;
}

/**
 * An exact sliding-window event counter: an event at time t counts while
 * now - t < windowMs. Only the newest `limit` events are kept per key, which
 * is all "N events within M" needs, so memory per key is bounded by N.
 */
export interface SlidingWindowCounter {
  record(key: string): Promise<WindowCount>;
  count(key: string): Promise<WindowCount>;
  reset(key: string): Promise<void>;
}

export function assertWindowPolicy(policy: SlidingWindowPolicy): SlidingWindowPolicy {
  assertPositiveInteger('limit', policy.limit, 100_000);
  assertPositiveInteger('windowMs', policy.windowMs);
  return policy;
}

export interface MemorySlidingWindowOptions {
  /** Most keys kept (least recently recorded dropped beyond it); default 100,000. */
  maxKeys?: number;
  now?: () => number;
}

/** In-process sliding windows; one small array of timestamps per key, in LRU order. */
export class MemorySlidingWindow implements SlidingWindowCounter {
  readonly #policy: SlidingWindowPolicy;
  readonly #events = new Map<string, number[]>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(policy: SlidingWindowPolicy, options: MemorySlidingWindowOptions = {}) {
    this.#policy = assertWindowPolicy(policy);
    this.#maxKeys = assertPositiveInteger('maxKeys', options.maxKeys ?? 100_000);
    this.#now = options.now ?? Date.now;
  }

  async record(key: string): Promise<WindowCount> {
    return this.recordSync(key);
  }

  recordSync(key: string): WindowCount {
    const now = this.#now();
    const times = this.#pruned(key, now) ?? [];
    times.push(now);
    if (times.length > this.#policy.limit) times.shift();
    this.#events.delete(key);
    this.#events.set(key, times);
    if (this.#events.size > this.#maxKeys) {
      const oldest = this.#events.keys().next();
      if (!oldest.done) this.#events.delete(oldest.value);
    }
    return this.#result(times.length);
  }

  async count(key: string): Promise<WindowCount> {
    return this.#result(this.#pruned(key, this.#now())?.length ?? 0);
  }

  async reset(key: string): Promise<void> {
    this.#events.delete(key);
  }

  #pruned(key: string, now: number): number[] | undefined {
    const times = this.#events.get(key);
    if (times === undefined) return undefined;
    const horizon = now - this.#policy.windowMs;
    let drop = 0;
    while (drop < times.length && times[drop]! <= horizon) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }

  #result(count: number): WindowCount {
    return { count, reached: count >= this.#policy.limit };
  }
}
