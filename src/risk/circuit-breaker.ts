/**
 * Circuit breaker per credential: N risk denials within M seconds trip it.
 * Tripping is reported once per window; the listeners (the credentials
 * domain) suspend the credential and raise an alert.
 */
export class CircuitBreaker {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #denials = new Map<string, number[]>();
  readonly #tripped = new Map<string, number>();

  constructor(options: { maxDenials: number; windowMs: number }) {
    this.#max = options.maxDenials;
    this.#windowMs = options.windowMs;
  }

  /** Records one denial; true when this denial trips the breaker. */
  recordDenial(credentialId: string, now: number): boolean {
    const since = now - this.#windowMs;
    const times = (this.#denials.get(credentialId) ?? []).filter((t) => t > since);
    times.push(now);
    this.#denials.set(credentialId, times);
    if (times.length < this.#max) return false;
    const last = this.#tripped.get(credentialId);
    if (last !== undefined && last > since) return false;
    this.#tripped.set(credentialId, now);
    this.#denials.delete(credentialId);
    return true;
  }
}
