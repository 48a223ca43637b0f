/**
 * MFA-fatigue defence for push approvals, as pure functions over a user's
 * recent push events (the caller loads the last ~30 minutes of them).
 *
 * - At most one pending push per user: a new one waits until the pending
 *   one is answered or expires.
 * - A "strike" is an authentic deny or a wrong number. Three strikes within
 *   15 minutes block further pushes for 15 minutes from the third strike;
 *   `alert` tells the caller that the newest event started (or extended)
 *   the block, so the owner is alerted once.
 */

export type PushEventKind = 'sent' | 'approved' | 'denied' | 'wrong_number' | 'expired' | 'cancelled';

export interface PushEvent {
  challengeId: string;
  kind: PushEventKind;
  /** Unix milliseconds. */
  at: number;
  /** For `sent`: when the challenge expires. */
  expiresAt?: number;
}

export interface PushFatiguePolicy {
  strikeLimit: number;
  strikeWindowMs: number;
  blockMs: number;
}

export const PUSH_FATIGUE_POLICY: PushFatiguePolicy = {
  strikeLimit: 3,
  strikeWindowMs: 15 * 60_000,
  blockMs: 15 * 60_000,
};

export interface PushFatigueAssessment {
  pending: { challengeId: string; expiresAt: number } | null;
  /** Strikes within the last window. */
  recentStrikes: number;
  /** Set while pushes are blocked. */
  blockedUntil: number | null;
  /** The newest event started or extended the block: alert the owner now. */
  alert: boolean;
}

export type PushGate =
  | { allowed: true }
  /** A push is already waiting for an answer; show it again instead of sending another. */
  | { allowed: false; code: 'PUSH_ALREADY_PENDING'; challengeId: string; retryAt: number }
  /** Too many denials or wrong numbers: pushes are off until `blockedUntil`. */
  | { allowed: false; code: 'PUSH_BLOCKED'; blockedUntil: number };

const STRIKES: readonly PushEventKind[] = ['denied', 'wrong_number'];

export function assessPushFatigue(
  events: readonly PushEvent[],
  now: number,
  policy: PushFatiguePolicy = PUSH_FATIGUE_POLICY,
): PushFatigueAssessment {
  const strikes = events.filter((e) => STRIKES.includes(e.kind)).sort((a, b) => a.at - b.at);
  const block = latestBlock(strikes, policy);
  const blocked = block !== null && now < block.until;
  const newest = Math.max(...events.map((e) => e.at));
  return {
    pending: pendingPush(events, now),
    recentStrikes: strikes.filter((s) => s.at > now - policy.strikeWindowMs && s.at <= now).length,
    blockedUntil: blocked ? block.until : null,
    alert: blocked && block.triggeredAt === newest,
  };
}

export function canSendPush(
  events: readonly PushEvent[],
  now: number,
  policy: PushFatiguePolicy = PUSH_FATIGUE_POLICY,
): PushGate {
  const assessment = assessPushFatigue(events, now, policy);
  if (assessment.blockedUntil !== null) {
    return { allowed: false, code: 'PUSH_BLOCKED', blockedUntil: assessment.blockedUntil };
  }
  if (assessment.pending) {
    const { challengeId, expiresAt } = assessment.pending;
    return { allowed: false, code: 'PUSH_ALREADY_PENDING', challengeId, retryAt: expiresAt };
  }
  return { allowed: true };
}

/** The block that ends last: a run of `strikeLimit` strikes within the window blocks from its last strike. */
function latestBlock(
  strikes: readonly PushEvent[],
  policy: PushFatiguePolicy,
): { until: number; triggeredAt: number } | null {
  let block: { until: number; triggeredAt: number } | null = null;
  for (let i = policy.strikeLimit - 1; i < strikes.length; i++) {
    const first = strikes[i - policy.strikeLimit + 1];
    const last = strikes[i];
    if (!first || !last || last.at - first.at > policy.strikeWindowMs) continue;
    const until = last.at + policy.blockMs;
    if (!block || until >= block.until) block = { until, triggeredAt: last.at };
  }
  return block;
}

function pendingPush(events: readonly PushEvent[], now: number): PushFatigueAssessment['pending'] {
  const resolved = new Set(events.filter((e) => e.kind !== 'sent').map((e) => e.challengeId));
  const open = events
    .filter((e) => e.kind === 'sent' && !resolved.has(e.challengeId) && (e.expiresAt ?? 0) > now)
    .sort((a, b) => b.at - a.at)[0];
  return open ? { challengeId: open.challengeId, expiresAt: open.expiresAt ?? now } : null;
}
