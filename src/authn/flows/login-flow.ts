import type { AuditContext, AuditTrail } from '../../audit/index.ts';
import { AppError } from '../../errors/index.ts';
import type { IdentityService, LoginThrottle, PasswordHasher } from '../../identity/index.ts';
import type { FactorUse } from '../../policy/principal.ts';
import type { Interface, SessionService } from '../../sessions/index.ts';
import { newId } from '../../store/ids.ts';
import type { FlowRepository } from './repository.ts';
import { assertTransition, type FlowState, isTerminal } from './states.ts';
import type { LoginFlowsTable } from './tables.ts';

/** Structural: any limiter with this shape (in-process or Redis) will do. */
export interface AttemptLimiter {
  take(key: string, cost?: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

export interface FlowView {
  id: string;
  interface: Interface;
  purpose: 'login';
  state: FlowState;
  expiresAt: string;
  methods: string[];
}

export interface FlowCompletion {
  flow: FlowView;
  session?: { token: string; id: string; expiresAt: string; aal: number };
}

export interface LoginFlowOptions {
  ttlMs: number;
  maxAttemptsPerFlow: number;
}

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

  async start(input: { interface: Interface; device?: string | undefined }, ctx: AuditContext & { ip: string; userAgent: string }): Promise<FlowView> {
    const now = this.#now();
    const row: LoginFlowsTable = {
      id: newId('flw'),
      interface: input.interface,
      purpose: 'login',
      state: 'password',
      user_id: null,
      session_id: null,
      action: null,
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
    await this.#audit.record({ ...ctx, interface: input.interface, name: 'login.started', outcome: 'info', data: { flowId: row.id } });
    return view(row);
  }

  async get(id: string): Promise<FlowView> {
    return view(await this.#load(id, { allowTerminal: true }));
  }

  /** The `password` step: check_ip_rate → check_throttle → verify → (fail | advance). */
  async submitPassword(
    id: string,
    input: { identifier: string; password: string },
    ctx: AuditContext & { ip: string; userAgent: string },
  ): Promise<FlowCompletion> {
    const flow = await this.#load(id, { allowTerminal: false });
    if (flow.state !== 'password') throw new AppError('FLOW_STATE_INVALID', { details: { state: flow.state } });
    const auditCtx = { ...ctx, interface: flow.interface };

    const ipRate = await this.#ipLimiter.take(`login-ip:${ctx.ip}`);
    if (!ipRate.allowed) {
      await this.#audit.record({ ...auditCtx, name: 'login.throttled', outcome: 'deny', reason: 'RATE_LIMITED', data: { flowId: id } });
      throw retryLater('RATE_LIMITED', ipRate.retryAfterMs);
    }
    const now = this.#now();
    const throttle = await this.#throttle.state(input.identifier);
    if (throttle.nextAllowedAt > now) {
      await this.#audit.record({ ...auditCtx, name: 'login.throttled', outcome: 'deny', reason: 'LOGIN_THROTTLED', data: { flowId: id } });
      throw retryLater('LOGIN_THROTTLED', throttle.nextAllowedAt - now);
    }

    const user = await this.#identity.users.findByIdentifier(input.identifier);
    const passwordOk = user?.password_hash
      ? await this.#hasher.verify(user.password_hash, input.password)
      : await this.#hasher.verifyDummy(input.password);
    const refusal = !user ? 'UNKNOWN_USER' : !passwordOk ? 'WRONG_PASSWORD' : user.status !== 'active' ? `USER_${user.status.toUpperCase()}` : null;

    if (refusal || !user) {
      await this.#fail(flow, input.identifier, user?.id ?? null, user?.status === 'active', refusal ?? 'UNKNOWN_USER', auditCtx);
      throw new AppError('INVALID_CREDENTIALS');
    }

    await this.#throttle.reset(input.identifier);
    if (this.#hasher.needsRehash(user.password_hash!)) {
      await this.#identity.users.setPasswordHash(user.id, await this.#hasher.hash(input.password), now, false);
    }
    const factors: FactorUse[] = [{ method: 'password', at: now }];
    return this.#complete(flow, user.id, factors, 1, auditCtx);
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
      await this.#identity.setStatus(userId, 'locked', 'too_many_failed_sign_ins', { ...ctx, actorUserId: null });
    }
    const attempts = flow.attempts + 1;
    const failed = attempts >= this.#opts.maxAttemptsPerFlow;
    if (failed) assertTransition(flow.state as FlowState, 'failed');
    await this.#flows.update(
      flow.id,
      { state: flow.state as FlowState, attempts: flow.attempts },
      { attempts, updated_at: this.#now(), ...(failed ? { state: 'failed', failure_code: 'TOO_MANY_ATTEMPTS' } : {}) },
    );
    await this.#audit.record({
      ...ctx,
      name: 'login.failed',
      outcome: 'failure',
      reason,
      subjectUserId: userId,
      data: { flowId: flow.id, step: 'password', consecutiveFailures: failures, flowFailed: failed },
    });
  }

  async #complete(
    flow: LoginFlowsTable,
    userId: string,
    factors: FactorUse[],
    aal: number,
    ctx: AuditContext & { ip: string; userAgent: string },
  ): Promise<FlowCompletion> {
    assertTransition(flow.state as FlowState, 'complete');
    const claimed = await this.#flows.update(
      flow.id,
      { state: flow.state as FlowState, attempts: flow.attempts },
      { state: 'complete', user_id: userId, factors: JSON.stringify(factors), updated_at: this.#now() },
    );
    if (!claimed) throw new AppError('FLOW_STATE_INVALID');
    const iface = flow.interface as Interface;
    const { token, session } = await this.#sessions.create(
      { userId, interface: iface, factors, aal, deviceId: null, ip: ctx.ip, userAgent: ctx.userAgent },
      ctx,
    );
    await this.#flows.update(flow.id, { state: 'complete', attempts: flow.attempts }, { session_id: session.id });
    await this.#audit.record({
      ...ctx,
      actorUserId: userId,
      sessionId: session.id,
      name: 'login.succeeded',
      outcome: 'success',
      data: { flowId: flow.id, aal, methods: factors.map((f) => f.method).join(',') },
    });
    return {
      flow: view({ ...flow, state: 'complete' }),
      session: { token, id: session.id, expiresAt: session.expiresAt, aal },
    };
  }

  async #load(id: string, opts: { allowTerminal: boolean }): Promise<LoginFlowsTable> {
    const row = await this.#flows.find(id);
    if (!row) throw new AppError('FLOW_NOT_FOUND');
    const state = row.state as FlowState;
    if (!isTerminal(state) && this.#now() >= row.expires_at) {
      assertTransition(state, 'expired');
      await this.#flows.update(row.id, { state, attempts: row.attempts }, { state: 'expired', updated_at: this.#now() });
      await this.#audit.record({ interface: row.interface, ip: row.ip, name: 'login.expired', outcome: 'info', data: { flowId: row.id } });
      row.state = 'expired';
    }
    if (!opts.allowTerminal) {
      if (row.state === 'expired') throw flowExpired();
      if (row.state === 'failed') throw new AppError('FLOW_FAILED');
      if (row.state === 'complete') throw new AppError('FLOW_STATE_INVALID', { details: { state: 'complete' } });
    }
    return row;
  }
}

function view(row: LoginFlowsTable): FlowView {
  const state = row.state as FlowState;
  return {
    id: row.id,
    interface: row.interface as Interface,
    purpose: 'login',
    state,
    expiresAt: new Date(row.expires_at).toISOString(),
    methods: METHODS_BY_STATE[state] ?? [],
  };
}

function flowExpired(): AppError {
  return new AppError('FLOW_EXPIRED', { details: { restart: 'POST /api/v1/login/flows' } });
}

function retryLater(code: 'RATE_LIMITED' | 'LOGIN_THROTTLED', ms: number): AppError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new AppError(code, { details: { retryAfterSeconds: seconds }, headers: { 'retry-after': String(seconds) } });
}
