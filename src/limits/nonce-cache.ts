import { assertPositiveInteger, compositeKey, LimitCapacityError } from './errors.ts';

/**
 * Remembers (key id, nonce) pairs for a time so a signed request cannot be
 * replayed within its receive window.
 */
export interface NonceCache {
  /** True when the nonce is fresh (and is now stored for ttlMs); false when already seen. */
  checkAndStore(keyId: string, nonce: string, ttlMs: number): Promise<boolean>;
}

/** Longest a nonce is ever kept; far above 2 × the 60 s maximum receive window. */
export const MAX_NONCE_TTL_MS = 10 * 60_000;
const SWEEP_BATCH = 64;

export interface MemoryNonceCacheOptions {
  /** Upper bound on stored nonces; default 1,000,000 (about 100 MB worst case). */
  maxEntries?: number;
  now?: () => number;
}

/**
 * In-process nonce cache for the single-node deployment.
 *
 * Entries live in one Map in insertion order with their expiry time. Every
 * call first drops up to 64 expired entries from the head, so each entry is
 * removed once and the cost per call is O(1) amortised. Because callers use one
 * TTL (2 × the receive window), insertion order is expiry order; an entry with
 * a shorter TTL behind a longer one is still treated as absent once expired and
 * is reclaimed when it reaches the head.
 *
 * Bounded: when full of live nonces it throws LimitCapacityError instead of
 * evicting one, because forgetting a live nonce would allow a replay.
 */
export class MemoryNonceCache implements NonceCache {
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryNonceCacheOptions = {}) {
    this.#maxEntries = assertPositiveInteger('maxEntries', options.maxEntries ?? 1_000_000);
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  async checkAndStore(keyId: string, nonce: string, ttlMs: number): Promise<boolean> {
    return this.checkAndStoreSync(keyId, nonce, ttlMs);
  }

  checkAndStoreSync(keyId: string, nonce: string, ttlMs: number): boolean {
    assertPositiveInteger('ttlMs', ttlMs, MAX_NONCE_TTL_MS);
    const now = this.#now();
    this.#sweep(now);
    const key = compositeKey(keyId, nonce);
    const expiresAt = this.#entries.get(key);
    if (expiresAt !== undefined) {
      if (expiresAt > now) return false;
      this.#entries.delete(key);
    }
    if (this.#entries.size >= this.#maxEntries)
      throw new LimitCapacityError('The nonce cache', this.#maxEntries);
    this.#entries.set(key, now + ttlMs);
    return true;
  }

  #sweep(now: number): void {
    let removed = 0;
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt > now || removed >= SWEEP_BATCH) return;
      this.#entries.delete(key);
      removed++;
    }
  }
}
