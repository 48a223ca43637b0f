import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The base64url characters in ASCII order, so that a prefix of them sorts like the number it encodes. */
const SORTABLE = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** Random bytes for identifiers, drawn from a pool refilled from the CSPRNG (never for secrets). */
function idBytes(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  offset += n;
  return pool.subarray(offset - n, offset);
}

/**
 * A prefixed identifier, e.g. `ord_0Qz8Ka3f…`: 22 base64url characters, the
 * first 8 the creation time in milliseconds (48 bits, sortable), the other 14
 * random (80 bits, unguessable). Identifiers are never secrets (tokens come
 * from `newToken`); time-ordered ones keep every insert at the right edge of a
 * primary-key index instead of on a random page of it (decision 0007).
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  for (let i = 0; i < 8; i++) {
    time = SORTABLE[now % 64]! + time;
    now = Math.floor(now / 64);
  }
  return `${prefix}_${time}${idBytes(10).toString('base64url')}`;
}

/** A 256-bit opaque secret token (base64url). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time equality for strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
