import type { Transaction } from 'kysely';
import type { AuditContext, AuditTrail } from '../../audit/index.ts';
import { AppError } from '../../errors/index.ts';
import type { IdentityService, LoginThrottle, PasswordHasher } from '../../identity/index.ts';
import type { FactorUse } from '../../policy/principal.ts';
import type { Interface, SessionService } from '../../sessions/index.ts';
import { newId } from '../../store/ids.ts';
import type { Database } from '../../store/schema.ts';
import type {
  AttemptLimiter,
  FlowCompletion,
  FlowContext,
  FlowSteps,
  FlowView,
  LoginFlowOptions,
} from './context.ts';
import type { FlowRepository } from './repository.ts';
import { assertTransition, type FlowState, isTerminal } from './states.ts';
import type { LoginFlowsTable } from './tables.ts';

export type {
  AttemptLimiter,
  FlowCompletion,
  FlowContext,
  FlowSteps,
  FlowView,
  LoginFlowOptions,
  StepCtx,
} from './context.ts';

const METHODS_BY_STATE: Partial<Record<FlowState, string[]>> = { password: ['password'] };

/**
 * The login flow as a stored state machine (docs/login-flow.md). Each step is a
 * short list of named checks. This module owns the `password` step and the
 * terminal states; `nextAfterPassword` is the seam where second factors and
 * device validation plug in.
 */
export class LoginFlowService {
  readonly #flows: FlowRepository;
  readonly #identity: IdentityService;
  readonly #hasher: PasswordHasher;
  readonly #throttle: LoginThrottle;
  readonly #sessions: SessionService;
  readonly #audit: AuditTrail;
  readonly #ipLimiter: AttemptLimiter;
  readonly #opts: LoginFlowOptions;
  readonly #now: () => number;
  #steps: FlowSteps | null = null;

  constructor(deps: {
    flows: FlowRepository;
    identity: IdentityService;
    hasher: PasswordHasher;
    throttle: LoginThrottle;
    sessions: SessionService;
    audit: AuditTrail;
    ipLimiter: AttemptLimiter;
    options: LoginFlowOptions;
    now?: () => number;
  }) {
    this.#flows = deps.flows;
    this.#identity = deps.identity;
    this.#hasher = deps.hasher;
    this.#throttle = deps.throttle;
    this.#sessions = deps.sessions;
    this.#audit = deps.audit;
    this.#ipLimiter = deps.ipLimiter;
    this.#opts = deps.options;
    this.#now = deps.now ?? Date.now;
  }

  attachSteps(steps: FlowSteps): void {
    this.#steps = steps;
  }

  get repository(): FlowRepository {
    return this.#flows;
  }

  get maxAttemptsPerFlow(): number {
    return this.#opts.maxAttemptsPerFlow;
  }

  async start(
    input: {
      interface: Interface;
      device?: string | undefined;
      /** Step-up: the session it is for, and the action; the flow starts at `second_factor`. */
      stepUp?: { userId: string; sessionId: string; action: string; context: FlowContext };
      context?: FlowContext;
    },
    ctx: AuditContext & { ip: string; userAgent: string },
  ): Promise<FlowView> {
    const now = this.#now();
    const row: LoginFlowsTable = {
      id: newId('flw'),
      interface: input.interface,
      purpose: input.stepUp ? 'step_up' : 'login',
      state: input.stepUp ? 'second_factor' : 'password',
      user_id: input.stepUp?.userId ?? null,
      session_id: input.stepUp?.sessionId ?? null,
      action: input.stepUp?.action ?? null,
      context: JSON.stringify(input.stepUp?.context ?? input.context ?? {}),
      device: input.device ?? null,
      ip: ctx.ip,
      user_agent: ctx.userAgent.slice(0, 512),
      attempts: 0,
      factors: '[]',
      failure_code: null,
      created_at: now,
      updated_at: now,
      expires_at: now + this.#opts.ttlMs,
    };
    await this.#flows.insert(row);
    return this.view(row);
  }

  async get(id: string): Promise<FlowView> {
    return this.view(await this.#load(id, { allowTerminal: true }));
  }

  /** The flow row for a step, refusing terminal and expired flows. */
  load(id: string): Promise<LoginFlowsTable> {
    return this.#load(id, { allowTerminal: false });
  }

  loadAny(id: string): Promise<LoginFlowsTable> {
    return this.#load(id, { allowTerminal: true });
  }

  /** The `password` step: check_ip_rate → check_throttle → verify → (fail | advance). */
  async submitPassword(
    id: string,
    input: { identifier: string; password: string },
    ctx: AuditContext & { ip: string; userAgent: string },
  ): Promise<FlowCompletion> {
    const flow = await this.#load(id, { allowTerminal: false });
    if (flow.state !== 'password')
      throw new AppError('FLOW_STATE_INVALID', { details: { state: flow.state } });
    const auditCtx = { ...ctx, interface: flow.interface };

    const ipRate = await this.#ipLimiter.take(`login-ip:${ctx.ip}`);
    if (!ipRate.allowed) {
      await this.#audit.record({
        ...auditCtx,
        name: 'login.throttled',
        outcome: 'deny',
        reason: 'RATE_LIMITED',
        data: { flowId: id },
      });
      throw retryLater('RATE_LIMITED', ipRate.retryAfterMs);
    }
    const now = this.#now();
    const throttle = await this.#throttle.state(input.identifier);
    if (throttle.nextAllowedAt > now) {
      await this.#audit.record({
        ...auditCtx,
        name: 'login.throttled',
        outcome: 'deny',
        reason: 'LOGIN_THROTTLED',
        data: { flowId: id },
      });
      throw retryLater('LOGIN_THROTTLED', throttle.nextAllowedAt - now);
    }

    const user = await this.#identity.users.findByIdentifier(input.identifier);
    const passwordOk = user?.password_hash
      ? await this.#hasher.verify(user.password_hash, input.password)
      : await this.#hasher.verifyDummy(input.password);
    const refusal = !user
      ? 'UNKNOWN_USER'
      : !passwordOk
        ? 'WRONG_PASSWORD'
        : user.status !== 'active'
          ? `USER_${user.status.toUpperCase()}`
          : null;

    if (refusal || !user) {
      await this.#fail(
        flow,
        input.identifier,
        user?.id ?? null,
        user?.status === 'active',
        refusal ?? 'UNKNOWN_USER',
        auditCtx,
      );
      throw new AppError('INVALID_CREDENTIALS');
    }

    if (throttle.failures > 0) await this.#throttle.reset(input.identifier);
    if (this.#hasher.needsRehash(user.password_hash!)) {
      await this.#identity.users.setPasswordHash(
        user.id,
        await this.#hasher.hash(input.password),
        now,
        false,
      );
    }
    const factors: FactorUse[] = [{ method: 'password', at: now }];
    if (this.#steps) return this.#steps.afterPassword(flow, user.id, factors, auditCtx);
    return this.complete(flow, user.id, factors, 1, auditCtx);
  }

  /**
   * A failed attempt at any step: counts toward the flow's limit (the flow
   * fails at `maxAttemptsPerFlow`). Returns whether the flow failed.
   */
  async countFailure(flow: LoginFlowsTable): Promise<boolean> {
    const attempts = flow.attempts + 1;
    const failed = attempts >= this.#opts.maxAttemptsPerFlow;
    if (failed) assertTransition(flow.state as FlowState, 'failed');
    await this.#flows.update(
      flow.id,
      { state: flow.state as FlowState, attempts: flow.attempts },
      {
        attempts,
        updated_at: this.#now(),
        ...(failed ? { state: 'failed', failure_code: 'TOO_MANY_ATTEMPTS' } : {}),
      },
    );
    return failed;
  }

  /** Moves a live flow to another live state, with new step context (compare-and-set). */
  async moveTo(
    flow: LoginFlowsTable,
    state: FlowState,
    changes: Partial<LoginFlowsTable>,
  ): Promise<LoginFlowsTable> {
    if (state !== flow.state) assertTransition(flow.state as FlowState, state);
    const next = { ...flow, ...changes, state, updated_at: this.#now() };
    const ok = await this.#flows.update(
      flow.id,
      { state: flow.state as FlowState, attempts: flow.attempts },
      { ...changes, state, updated_at: next.updated_at },
    );
    if (!ok) throw new AppError('FLOW_STATE_INVALID');
    return next;
  }

  /** Marks a step-up flow complete (the session rotation is the caller's). */
  async markComplete(flow: LoginFlowsTable, factors: FactorUse[]): Promise<void> {
    assertTransition(flow.state as FlowState, 'complete');
    const ok = await this.#flows.update(
      flow.id,
      { state: flow.state as FlowState, attempts: flow.attempts },
      { state: 'complete', factors: JSON.stringify(factors), updated_at: this.#now() },
    );
    if (!ok) throw new AppError('FLOW_STATE_INVALID');
  }

  async #fail(
    flow: LoginFlowsTable,
    identifier: string,
    userId: string | null,
    lockable: boolean,
    reason: string,
    ctx: AuditContext,
  ): Promise<void> {
    const { failures, reachedLock } = await this.#throttle.fail(identifier, this.#now());
    if (reachedLock && lockable && userId) {
      await this.#identity.setStatus(userId, 'locked', 'too_many_failed_sign_ins', {
        ...ctx,
        actorUserId: null,
      });
    }
    const failed = await this.countFailure(flow);
    await this.#audit.record({
      ...ctx,
      name: 'login.failed',
      outcome: 'failure',
      reason,
      subjectUserId: userId,
      data: { flowId: flow.id, step: 'password', consecutiveFailures: failures, flowFailed: failed },
    });
  }

  /** Completes a sign-in: claims the flow and issues the session (on `deviceId` when known). */
  async complete(
    flow: LoginFlowsTable,
    userId: string,
    factors: FactorUse[],
    aal: number,
    ctx: AuditContext & { ip: string; userAgent: string },
    deviceId: string | null = null,
  ): Promise<FlowCompletion> {
    assertTransition(flow.state as FlowState, 'complete');
    const sessionId = newId('ses');
    // The flow is claimed in the session's own transaction: a completed flow always has its session.
    const claim = async (trx: Transaction<Database>) => {
      const claimed = await this.#flows.update(
        flow.id,
        { state: flow.state as FlowState, attempts: flow.attempts },
        {
          state: 'complete',
          user_id: userId,
          session_id: sessionId,
          factors: JSON.stringify(factors),
          updated_at: this.#now(),
        },
        trx,
      );
      if (!claimed) throw new AppError('FLOW_STATE_INVALID');
    };
    const iface = flow.interface as Interface;
    const methods = factors.map((f) => f.method).join(',');
    const { token, session } = await this.#sessions.create(
      {
        id: sessionId,
        userId,
        interface: iface,
        factors,
        aal,
        deviceId,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      },
      ctx,
      [
        {
          ...ctx,
          actorUserId: userId,
          sessionId,
          name: 'login.succeeded',
          outcome: 'success',
          data: { flowId: flow.id, aal, methods },
        },
      ],
      claim,
    );
    return {
      flow: this.view({ ...flow, state: 'complete' }),
      session: { token, id: session.id, expiresAt: session.expiresAt, aal },
    };
  }

  async #load(id: string, opts: { allowTerminal: boolean }): Promise<LoginFlowsTable> {
    const row = await this.#flows.find(id);
    if (!row) throw new AppError('FLOW_NOT_FOUND');
    const state = row.state as FlowState;
    if (!isTerminal(state) && this.#now() >= row.expires_at) {
      assertTransition(state, 'expired');
      await this.#flows.update(
        row.id,
        { state, attempts: row.attempts },
        { state: 'expired', updated_at: this.#now() },
      );
      await this.#audit.record({
        interface: row.interface,
        ip: row.ip,
        name: 'login.expired',
        outcome: 'info',
        data: { flowId: row.id },
      });
      row.state = 'expired';
    }
    if (!opts.allowTerminal) {
      if (row.state === 'expired') throw flowExpired();
      if (row.state === 'failed') throw new AppError('FLOW_FAILED');
      if (row.state === 'complete')
        throw new AppError('FLOW_STATE_INVALID', { details: { state: 'complete' } });
    }
    return row;
  }

  view(row: LoginFlowsTable): FlowView {
    const state = row.state as FlowState;
    return {
      id: row.id,
      interface: row.interface as Interface,
      purpose: row.purpose === 'step_up' ? 'step_up' : 'login',
      ...(row.action ? { action: row.action } : {}),
      state,
      expiresAt: new Date(Number(row.expires_at)).toISOString(),
      methods: METHODS_BY_STATE[state] ?? [],
      ...(this.#steps && !isTerminal(state) ? this.#steps.viewExtras(row) : {}),
    };
  }
}

function flowExpired(): AppError {
  return new AppError('FLOW_EXPIRED', { details: { restart: 'POST /api/v1/login/flows' } });
}

function retryLater(code: 'RATE_LIMITED' | 'LOGIN_THROTTLED', ms: number): AppError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new AppError(code, {
    details: { retryAfterSeconds: seconds },
    headers: { 'retry-after': String(seconds) },
  });
}
