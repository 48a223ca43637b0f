/**
 * A minimal CBOR encoder (RFC 8949) for the software authenticator: unsigned
 * and negative integers, byte strings, text strings, arrays and maps (keys
 * in the order given, which callers keep CTAP2-canonical). Written here so
 * the tests do not build their inputs with the library they test.
 */

export type CborValue = number | string | Uint8Array | CborValue[] | Map<number | string, CborValue>;

function head(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 0x100) return [(major << 5) | 24, length];
  if (length < 0x10000) return [(major << 5) | 25, length >> 8, length & 0xff];
  if (length <= 0xffffffff) {
    return [
      (major << 5) | 26,
      (length >>> 24) & 0xff,
      (length >> 16) & 0xff,
      (length >> 8) & 0xff,
      length & 0xff,
    ];
  }
  throw new RangeError('CBOR length too large for this encoder');
}

export function encodeCbor(value: CborValue): Uint8Array {
  return new Uint8Array(encode(value));
}

function encode(value: CborValue): number[] {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError('only integers are supported');
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    return [...head(3, bytes.length), ...bytes];
  }
  if (value instanceof Uint8Array) return [...head(2, value.length), ...value];
  if (Array.isArray(value)) return [...head(4, value.length), ...value.flatMap(encode)];
  const out = head(5, value.size);
  for (const [k, v] of value) out.push(...encode(k), ...encode(v));
  return out;
}
