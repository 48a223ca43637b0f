/**
 * Raised when an in-memory limiter refuses to grow past its bound rather than
 * forget state it still needs (for a nonce cache, forgetting would re-open a
 * replay). Callers answer 503 and alert: the bound is too small for the load.
 */
export class LimitCapacityError extends Error {
  readonly code = 'LIMIT_CAPACITY_EXCEEDED';
  readonly limit: number;
  constructor(what: string, limit: number) {
    super(`${what} is full (${limit} entries); refusing rather than forgetting live entries`);
    this.name = 'LimitCapacityError';
    this.limit = limit;
  }
}

export function assertPositiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new TypeError(`${name} must be an integer in 1..${max}, got ${value}`);
  }
  return value;
}

export function assertPositiveNumber(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(`${name} must be a positive finite number, got ${value}`);
  return value;
}

/** Joins a composite key so that no two (a, b) pairs collide, whatever characters they hold. */
export function compositeKey(a: string, b: string): string {
  return `${a.length}:${a}:${b}`;
}
