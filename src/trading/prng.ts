/**
 * Small deterministic pseudo-random generators for the simulated venue.
 * Not for secrets: use node:crypto for anything security-relevant.
 *
 * Every operation here is 32-bit integer arithmetic or a basic IEEE-754
 * operation (+, -, *, /), which are exactly specified, so a seed yields the
 * same sequence on every platform.
 */

/** A generator of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a 32-bit state generator, fast and good enough for simulation. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, mixed with a seed: a stable per-name stream seed. */
export function seedFor(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * An approximately standard-normal draw (Irwin–Hall with four uniforms,
 * rescaled to unit variance). Uses only + and *, so it is bit-reproducible;
 * tails are bounded at ±3.46, which suits a price simulator.
 */
export function gaussian(random: Random): number {
  const sum = random() + random() + random() + random();
  return (sum - 2) * 1.7320508075688772; // × sqrt(3): variance 4/12 → 1
}
