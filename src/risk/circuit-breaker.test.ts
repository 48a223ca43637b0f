import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker } from './circuit-breaker.ts';

test('the breaker trips on the Nth denial within the window, not before', () => {
  const b = new CircuitBreaker({ maxDenials: 3, windowMs: 1000 });
  assert.equal(b.recordDenial('k', 0), false);
  assert.equal(b.recordDenial('k', 100), false);
  assert.equal(b.recordDenial('k', 200), true);
});

test('denials older than the window do not count', () => {
  const b = new CircuitBreaker({ maxDenials: 2, windowMs: 1000 });
  assert.equal(b.recordDenial('k', 0), false);
  assert.equal(b.recordDenial('k', 1500), false);
  assert.equal(b.recordDenial('k', 1600), true);
});

test('each credential has its own count and a trip is reported once per window', () => {
  const b = new CircuitBreaker({ maxDenials: 2, windowMs: 1000 });
  b.recordDenial('a', 0);
  assert.equal(b.recordDenial('b', 0), false);
  assert.equal(b.recordDenial('a', 10), true);
  b.recordDenial('a', 20);
  assert.equal(b.recordDenial('a', 30), false);
});
