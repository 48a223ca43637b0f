import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newId, newToken, safeEqual } from './ids.ts';

describe('identifiers', () => {
  test('are the prefix and 22 base64url characters', () => {
    assert.match(newId('ord'), /^ord_[A-Za-z0-9_-]{22}$/);
  });

  test('sort by creation time, as strings, across the whole range of times', () => {
    const times = [0, 1, 63, 64, 4095, 4096, Date.parse('2026-11-23T00:00:00Z'), 2 ** 47, 2 ** 48 - 1];
    const ids = times.map((t) => newId('x', t));
    assert.deepEqual([...ids].sort(), ids);
    // Within one millisecond the order is random, across milliseconds it is time.
    const a = newId('x', 1_000_000);
    const b = newId('x', 1_000_001);
    assert.ok(a < b);
    assert.equal(a.slice(0, 10), newId('x', 1_000_000).slice(0, 10));
  });

  test('do not repeat, and their random part differs even within one millisecond', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId('x', 42)));
    assert.equal(ids.size, 20_000);
    const tails = new Set([...ids].map((id) => id.slice(10)));
    assert.equal(tails.size, 20_000);
  });

  test('tokens are 256-bit base64url and compare in constant time', () => {
    const t = newToken();
    assert.match(t, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(safeEqual(t, t));
    assert.ok(!safeEqual(t, newToken()));
    assert.ok(!safeEqual(t, t.slice(0, 42)));
  });
});
