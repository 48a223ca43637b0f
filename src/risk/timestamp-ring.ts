/**
 * A fixed-capacity ring of timestamps (the latest `capacity` acceptances), so
 * the order-rate throttle reads one slot instead of scanning a window.
 */
export class TimestampRing {
  readonly capacity: number;
  readonly #slots: Float64Array;
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new TypeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.#slots = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(timestamp: number): void {
    this.#slots[this.#next] = timestamp;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** The n-th most recent timestamp (1 = latest), or undefined if fewer were pushed. */
  nthLatest(n: number): number | undefined {
    if (!Number.isInteger(n) || n < 1 || n > this.capacity) {
      throw new TypeError(`n must be an integer in 1..${this.capacity}`);
    }
    if (n > this.#size) return undefined;
    return this.#slots[(this.#next - n + this.capacity) % this.capacity];
  }
}
