import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessPushFatigue, canSendPush, type PushEvent } from './push-fatigue.ts';

const t0 = 1_750_000_000_000;
const min = 60_000;

const sent = (id: string, at: number): PushEvent => ({
  challengeId: id,
  kind: 'sent',
  at,
  expiresAt: at + min,
});
const ev = (id: string, kind: PushEvent['kind'], at: number): PushEvent => ({ challengeId: id, kind, at });

/** Three pushes, each answered with a strike, `gap` apart. */
function strikes(gap: number, kinds: PushEvent['kind'][] = ['denied', 'denied', 'denied']): PushEvent[] {
  return kinds.flatMap((kind, i) => [sent(`c${i}`, t0 + i * gap), ev(`c${i}`, kind, t0 + i * gap + 10_000)]);
}

describe('push fatigue', () => {
  it('with no history a push may be sent', () => {
    assert.deepEqual(canSendPush([], t0), { allowed: true });
  });

  it('while a push is pending another is refused until it expires', () => {
    const events = [sent('c1', t0)];
    assert.deepEqual(canSendPush(events, t0 + 10_000), {
      allowed: false,
      code: 'PUSH_ALREADY_PENDING',
      challengeId: 'c1',
      retryAt: t0 + min,
    });
    assert.deepEqual(canSendPush(events, t0 + min), { allowed: true });
  });

  it('once the pending push is answered a new one may be sent', () => {
    assert.deepEqual(canSendPush([sent('c1', t0), ev('c1', 'approved', t0 + 5_000)], t0 + 6_000), {
      allowed: true,
    });
  });

  it('three denials within 15 minutes block pushes for 15 minutes from the third, and alert once', () => {
    const events = strikes(5 * min);
    const third = t0 + 10 * min + 10_000;
    const assessment = assessPushFatigue(events, third);
    assert.equal(assessment.blockedUntil, third + 15 * min);
    assert.equal(assessment.alert, true);
    assert.equal(assessment.recentStrikes, 3);
    assert.deepEqual(canSendPush(events, third + 14 * min), {
      allowed: false,
      code: 'PUSH_BLOCKED',
      blockedUntil: third + 15 * min,
    });
    assert.deepEqual(canSendPush(events, third + 15 * min), { allowed: true });
  });

  it('wrong numbers count as strikes like denials', () => {
    const events = strikes(min, ['wrong_number', 'denied', 'wrong_number']);
    assert.equal(canSendPush(events, t0 + 3 * min).allowed, false);
  });

  it('three denials spread over more than 15 minutes do not block', () => {
    const events = strikes(8 * min);
    assert.deepEqual(canSendPush(events, t0 + 17 * min), { allowed: true });
    assert.equal(assessPushFatigue(events, t0 + 17 * min).recentStrikes, 2);
  });

  it('approvals and expiries are not strikes', () => {
    const events = strikes(min, ['denied', 'expired', 'approved']);
    assert.deepEqual(canSendPush(events, t0 + 3 * min), { allowed: true });
  });

  it('a later event that is not a strike does not repeat the alert', () => {
    const events = [...strikes(min), sent('late', t0 + 3 * min)];
    const assessment = assessPushFatigue(events, t0 + 3 * min + 1);
    assert.notEqual(assessment.blockedUntil, null);
    assert.equal(assessment.alert, false);
  });

  it('a block takes precedence over a pending push', () => {
    const events = [...strikes(min), sent('c9', t0 + 2 * min + 20_000)];
    const gate = canSendPush(events, t0 + 2 * min + 30_000);
    assert.equal(!gate.allowed && gate.code, 'PUSH_BLOCKED');
  });

  it('a fourth strike during the block extends it', () => {
    const events = [...strikes(min), ev('c0b', 'denied', t0 + 5 * min)];
    const assessment = assessPushFatigue(events, t0 + 5 * min);
    assert.equal(assessment.blockedUntil, t0 + 20 * min);
    assert.equal(assessment.alert, true);
  });
});
