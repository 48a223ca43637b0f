import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTransition, canTransition, FLOW_STATES, isTerminal, TRANSITIONS } from './states.ts';

test('terminal states have no way out', () => {
  for (const s of ['complete', 'failed', 'expired'] as const) {
    assert.equal(isTerminal(s), true);
    for (const to of FLOW_STATES) assert.equal(canTransition(s, to), false, `${s} → ${to}`);
  }
});

test('every live state can fail and expire, and none returns to password', () => {
  for (const s of FLOW_STATES.filter((x) => !isTerminal(x))) {
    assert.equal(canTransition(s, 'failed'), true);
    assert.equal(canTransition(s, 'expired'), true);
    assert.equal(canTransition(s, 'password'), false);
  }
});

test('a password alone can complete a flow today; the second-factor states are reachable from it', () => {
  assert.deepEqual([...TRANSITIONS.password].sort(), [
    'complete',
    'device_validation',
    'expired',
    'failed',
    'second_factor',
  ]);
});

test('an illegal transition is a programmer error (TypeError), not a coded error', () => {
  assert.throws(() => assertTransition('complete', 'password'), TypeError);
  assert.doesNotThrow(() => assertTransition('push_pending', 'second_factor'));
});
