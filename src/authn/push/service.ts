import type { AuditContext, AuditTrail } from '../../audit/index.ts';
import type { DeviceRepository } from '../../devices/repository.ts';
import { AppError } from '../../errors/index.ts';
import type { SessionPrincipal } from '../../policy/principal.ts';
import type { FactorRow, FactorStore } from '../factor-store.ts';
import { pushFactor } from '../factors/device-factors.ts';
import { createPushChallenge, type PushChallenge, type SignedPushDecision } from '../factors/push.ts';
import { assessPushFatigue, canSendPush, type PushEvent } from '../factors/push-fatigue.ts';
import type { UsedFactor } from '../factors/types.ts';
import type { Notifier } from '../notifier.ts';
import type { PushChallengesTable } from '../tables.ts';
import type { DeviceHub } from './hub.ts';
import type { PushRepository, PushStatus } from './repository.ts';

export type PushPurpose = 'login' | 'step_up' | 'approval';
export type ApprovalOutcome = 'approved' | 'denied' | 'expired';

export interface PushView {
  challengeId: string;
  number: number;
  expiresAt: string;
}

export interface PendingPush {
  challengeId: string;
  purpose: PushPurpose;
  words: string;
  choices: number[];
  context: Record<string, string>;
  expiresAt: string;
}

const FATIGUE_LOOKBACK_MS = 35 * 60_000;

/**
 * Push approvals with number matching: sending (behind the MFA-fatigue gate),
 * what a phone sees, and the phone's signed decision. Decisions go to the
 * flow waiting on them and to `onDecision` listeners (second approvals).
 */
export class PushService {
  readonly #repo: PushRepository;
  readonly #factors: FactorStore;
  readonly #devices: DeviceRepository;
  readonly #hub: DeviceHub;
  readonly #notifier: Notifier;
  readonly #audit: AuditTrail;
  readonly #now: () => number;
  readonly #listeners: Array<(challengeId: string, outcome: ApprovalOutcome) => Promise<void>> = [];

  constructor(deps: {
    repo: PushRepository;
    factors: FactorStore;
    devices: DeviceRepository;
    hub: DeviceHub;
    notifier: Notifier;
    audit: AuditTrail;
    now: () => number;
  }) {
    this.#repo = deps.repo;
    this.#factors = deps.factors;
    this.#devices = deps.devices;
    this.#hub = deps.hub;
    this.#notifier = deps.notifier;
    this.#audit = deps.audit;
    this.#now = deps.now;
  }

  onDecision(listener: (challengeId: string, outcome: ApprovalOutcome) => Promise<void>): void {
    this.#listeners.push(listener);
  }

  async hasPushDevice(userId: string): Promise<boolean> {
    return (await this.#factors.listForUser(userId)).some((f) => f.method === 'push');
  }

  /** check_factor → check_fatigue → create → store → audit → publish. */
  async send(
    input: {
      userId: string;
      purpose: PushPurpose;
      flowId?: string;
      words: string;
      context: Record<string, string>;
    },
    ctx: AuditContext,
  ): Promise<PushView> {
    if (!(await this.hasPushDevice(input.userId))) throw new AppError('FACTOR_METHOD_UNAVAILABLE');
    await this.expireOverdue(input.userId);
    const now = this.#now();
    const gate = canSendPush(await this.#events(input.userId, now), now);
    if (!gate.allowed) {
      await this.#audit.record({
        ...ctx,
        name: 'push.rejected',
        outcome: 'deny',
        reason: gate.code,
        subjectUserId: input.userId,
      });
      if (gate.code === 'PUSH_BLOCKED') {
        throw new AppError('PUSH_BLOCKED', {
          details: { blockedUntil: new Date(gate.blockedUntil).toISOString() },
        });
      }
      throw new AppError('PUSH_ALREADY_PENDING', {
        details: { retryAt: new Date(gate.retryAt).toISOString() },
      });
    }
    const challenge = createPushChallenge({ now });
    await this.#repo.insert({
      id: challenge.challengeId,
      user_id: input.userId,
      purpose: input.purpose,
      flow_id: input.flowId ?? null,
      number: challenge.number,
      choices: JSON.stringify(challenge.choices),
      words: input.words.slice(0, 200),
      context: JSON.stringify(input.context),
      status: 'pending',
      decided_by_device: null,
      created_at: now,
      expires_at: challenge.expiresAt,
      decided_at: null,
    });
    await this.#audit.record({
      ...ctx,
      name: 'push.sent',
      outcome: 'info',
      subjectUserId: input.userId,
      data: { challengeId: challenge.challengeId, purpose: input.purpose },
    });
    this.#hub.publish(input.userId, {
      type: 'push',
      data: { ...pendingView(this.#asRow(challenge, input)) },
    });
    return view(challenge);
  }

  async pending(userId: string): Promise<PendingPush[]> {
    await this.expireOverdue(userId);
    return (await this.#repo.pendingForUser(userId, this.#now())).map(pendingView);
  }

  /**
   * Marks the user's overdue challenges expired and tells `onDecision` listeners. Expiry is lazy:
   * it happens when the user's pushes are next read or sent (no timers).
   */
  async expireOverdue(userId: string): Promise<void> {
    for (const row of await this.#repo.overdueForUser(userId, this.#now())) await this.status(row.id);
  }

  /** The status of a challenge, marking it expired once its minute is over. */
  async status(challengeId: string): Promise<PushChallengesTable | undefined> {
    const row = await this.#repo.find(challengeId);
    if (row && row.status === 'pending' && this.#now() > Number(row.expires_at)) {
      if (await this.#repo.decide(row.id, 'expired', null, this.#now())) await this.#emit(row, 'expired');
      row.status = 'expired';
    }
    return row;
  }

  /** A phone's decision: find_challenge → check_device → verify_signature → record → fatigue → publish. */
  async decide(
    device: SessionPrincipal,
    challengeId: string,
    body: Omit<SignedPushDecision, 'challengeId'>,
    ctx: AuditContext,
  ): Promise<{ status: PushStatus; used?: UsedFactor }> {
    const row = await this.status(challengeId);
    if (!row || row.user_id !== device.userId) throw await this.#reject('PUSH_NOT_FOUND', device, ctx);
    if (row.status === 'expired') throw await this.#reject('PUSH_EXPIRED', device, ctx);
    if (row.status !== 'pending') throw await this.#reject('PUSH_NOT_FOUND', device, ctx);
    const factor = await this.#deviceFactor(device);
    if (!factor) throw await this.#reject('DEVICE_REVOKED', device, ctx);
    const challenge: PushChallenge = {
      challengeId: row.id,
      number: row.number,
      choices: JSON.parse(row.choices),
      expiresAt: Number(row.expires_at),
    };
    const result = await pushFactor.verify(
      factor as never,
      { challenge, response: { ...body, challengeId } },
      { now: this.#now() },
    );
    const code = result.ok ? null : result.code;
    const status: PushStatus | null = result.ok
      ? 'approved'
      : code === 'PUSH_DENIED'
        ? 'denied'
        : code === 'PUSH_WRONG_NUMBER'
          ? 'wrong_number'
          : null;
    if (!status)
      throw await this.#reject(code === 'PUSH_EXPIRED' ? 'PUSH_EXPIRED' : 'PUSH_REJECTED', device, ctx, code);
    if (!(await this.#repo.decide(row.id, status, device.deviceId, this.#now())))
      throw await this.#reject('PUSH_NOT_FOUND', device, ctx);
    await this.#audit.record({
      ...ctx,
      name: 'push.decided',
      outcome: status === 'approved' ? 'success' : 'failure',
      reason: status,
      subjectUserId: row.user_id,
      data: { challengeId: row.id, purpose: row.purpose },
    });
    if (status !== 'approved') await this.#checkFatigue(row.user_id, ctx);
    await this.#emit(row, status);
    return result.ok ? { status, used: result.used } : { status };
  }

  async #deviceFactor(device: SessionPrincipal): Promise<FactorRow | undefined> {
    if (device.interface !== 'mobile' || !device.deviceId) return undefined;
    const d = await this.#devices.find(device.deviceId);
    if (d?.state !== 'trusted' || d.user_id !== device.userId) return undefined;
    return (await this.#factors.listByDevice(d.id)).find((f) => f.method === 'push');
  }

  async #checkFatigue(userId: string, ctx: AuditContext): Promise<void> {
    const now = this.#now();
    const assessment = assessPushFatigue(await this.#events(userId, now), now);
    if (!assessment.alert || assessment.blockedUntil === null) return;
    await this.#audit.record({
      ...ctx,
      name: 'push.blocked',
      outcome: 'deny',
      reason: 'PUSH_BLOCKED',
      subjectUserId: userId,
      data: { blockedUntil: assessment.blockedUntil },
    });
    await this.#notifier.notify(userId, {
      kind: 'push_blocked',
      title: 'Approval requests paused',
      body: 'Several sign-in approvals were denied or answered with the wrong number. Push approvals are paused for 15 minutes. If this was not you, change your password.',
    });
  }

  async #events(userId: string, now: number): Promise<PushEvent[]> {
    const rows = await this.#repo.recentForUser(userId, now - FATIGUE_LOOKBACK_MS);
    return rows.flatMap((r) => {
      const sent: PushEvent = {
        challengeId: r.id,
        kind: 'sent',
        at: Number(r.created_at),
        expiresAt: Number(r.expires_at),
      };
      if (r.status === 'pending' || r.decided_at === null) return [sent];
      return [sent, { challengeId: r.id, kind: r.status as PushEvent['kind'], at: Number(r.decided_at) }];
    });
  }

  async #emit(row: PushChallengesTable, status: PushStatus): Promise<void> {
    this.#hub.publish(row.user_id, { type: 'push_decided', data: { challengeId: row.id, status } });
    if (row.purpose !== 'approval') return;
    const outcome: ApprovalOutcome =
      status === 'approved' ? 'approved' : status === 'expired' ? 'expired' : 'denied';
    for (const l of this.#listeners) await l(row.id, outcome);
  }

  async #reject(
    code: string,
    device: SessionPrincipal,
    ctx: AuditContext,
    detail?: string | null,
  ): Promise<AppError> {
    await this.#audit.record({
      ...ctx,
      name: 'push.rejected',
      outcome: 'deny',
      reason: detail ?? code,
      subjectUserId: device.userId,
    });
    return new AppError(code as 'PUSH_REJECTED');
  }

  #asRow(
    c: PushChallenge,
    input: { userId: string; purpose: PushPurpose; words: string; context: Record<string, string> },
  ): PushChallengesTable {
    return {
      id: c.challengeId,
      user_id: input.userId,
      purpose: input.purpose,
      flow_id: null,
      number: c.number,
      choices: JSON.stringify(c.choices),
      words: input.words,
      context: JSON.stringify(input.context),
      status: 'pending',
      decided_by_device: null,
      created_at: this.#now(),
      expires_at: c.expiresAt,
      decided_at: null,
    };
  }
}

function view(c: PushChallenge): PushView {
  return { challengeId: c.challengeId, number: c.number, expiresAt: new Date(c.expiresAt).toISOString() };
}

function pendingView(r: PushChallengesTable): PendingPush {
  return {
    challengeId: r.id,
    purpose: r.purpose as PushPurpose,
    words: r.words,
    choices: JSON.parse(r.choices),
    context: JSON.parse(r.context),
    expiresAt: new Date(Number(r.expires_at)).toISOString(),
  };
}
