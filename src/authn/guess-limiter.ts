import { AppError } from '../errors/index.ts';

/**
 * Guessing limit per account for second-factor codes (TOTP, recovery, SMS,
 * enrolment confirmations): at most `limit` failures in a sliding hour.
 * In-process; the per-flow attempt count (stored in the flow) bounds each
 * flow on every node.
 */
export class GuessLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  constructor(opts: { limit: number; windowMs?: number; now: () => number }) {
    this.#limit = opts.limit;
    this.#windowMs = opts.windowMs ?? 3_600_000;
    this.#now = opts.now;
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > since);
    this.#failures.set(key, list);
    return list;
  }

  async check(key: string): Promise<void> {
    const list = this.#recent(key);
    if (list.length >= this.#limit) {
      const retry = Math.max(1, Math.ceil(((list[0] ?? 0) + this.#windowMs - this.#now()) / 1000));
      throw new AppError('FACTOR_GUESS_LIMIT', {
        details: { retryAfterSeconds: retry },
        headers: { 'retry-after': String(retry) },
      });
    }
  }

  async fail(key: string): Promise<void> {
    const list = this.#recent(key);
    list.push(this.#now());
    if (this.#failures.size > 100_000) this.#failures.clear();
  }
}
