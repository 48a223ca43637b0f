import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { AuditTrail } from '../../audit/index.ts';
import { createDeviceChallenge, type DeviceProof } from '../../devices/device-proof.ts';
import type { DeviceService } from '../../devices/service.ts';
import { AppError } from '../../errors/index.ts';
import { ACTIONS, type Action } from '../../policy/actions.ts';
import type { FactorUse } from '../../policy/principal.ts';
import type { SessionService } from '../../sessions/index.ts';
import { type FactorService, toAppError, type VerifyResult } from '../factor-service.ts';
import type { FactorStore } from '../factor-store.ts';
import { deviceKeyFactor } from '../factors/device-factors.ts';
import type { GuessLimiter } from '../guess-limiter.ts';
import type { PushService } from '../push/service.ts';
import { type FlowCompletion, type FlowContext, type FlowView, parseContext } from './context.ts';
import { assertOwnStepUp, levelOf, SECOND_FACTOR_STATES } from './levels.ts';
import type { FlowSteps as FlowStepsHook, LoginFlowService, StepCtx } from './login-flow.ts';
import type { FlowState } from './states.ts';
import type { LoginFlowsTable } from './tables.ts';

/** A step's request context; `callerSessionId` is the session the request came with, if any. */
export type StepCallerCtx = StepCtx & { callerSessionId?: string | null };

export interface StepsDeps {
  flows: LoginFlowService;
  factors: FactorService;
  factorStore: FactorStore;
  push: PushService;
  devices: DeviceService;
  sessions: SessionService;
  audit: AuditTrail;
  limiter: GuessLimiter;
  now: () => number;
}

/**
 * The second-factor, push and device-validation steps of the login flow, and
 * step-up completion. Each step: load → check_state → check_guess_limit →
 * verify → (count_failure | advance).
 */
export class SecondFactorSteps implements FlowStepsHook {
  readonly #d: StepsDeps;
  constructor(deps: StepsDeps) {
    this.#d = deps;
  }

  async afterPassword(
    flow: LoginFlowsTable,
    userId: string,
    factors: FactorUse[],
    ctx: StepCtx,
  ): Promise<FlowCompletion> {
    const { flows, devices, factors: service } = this.#d;
    const context = parseContext(flow.context);
    const bound = { ...flow, user_id: userId, factors: JSON.stringify(factors) };
    if (flow.interface !== 'portal' && flow.device) {
      const device = await devices.repo.findByKeyId(userId, flow.device);
      if (device && device.state === 'trusted') {
        const next = {
          ...context,
          deviceRowId: device.id,
          deviceChallenge: createDeviceChallenge({ now: this.#d.now() }),
        };
        const moved = await flows.moveTo(bound, 'device_validation', {
          user_id: userId,
          factors: bound.factors,
          context: JSON.stringify(next),
        });
        return { flow: flows.view(moved) };
      }
    }
    if (!(await service.hasSecondFactor(userId))) {
      return this.#finishLogin(bound, factors, ctx); // a set-up session (AAL1): enrol a factor first
    }
    const browser = context.browserDeviceId ? await devices.repo.find(context.browserDeviceId) : undefined;
    if (flow.interface === 'portal' && devices.isRemembered(browser, userId)) {
      return this.#finishLogin(bound, [...factors, { method: 'remembered_device', at: this.#d.now() }], ctx);
    }
    const methods = await service.activeMethods(userId);
    const moved = await flows.moveTo(bound, 'second_factor', {
      user_id: userId,
      factors: bound.factors,
      context: JSON.stringify({ ...context, methods }),
    });
    return { flow: flows.view(moved) };
  }

  viewExtras(row: LoginFlowsTable): Partial<FlowView> {
    const c = parseContext(row.context);
    const extras: Partial<FlowView> = {};
    if (row.state === 'device_validation' && c.deviceChallenge) {
      extras.methods = ['device_proof'];
      extras.deviceChallenge = {
        challenge: c.deviceChallenge.challenge,
        expiresAt: new Date(c.deviceChallenge.expiresAt).toISOString(),
      };
    }
    if (SECOND_FACTOR_STATES.includes(row.state)) extras.methods = c.methods ?? [];
    if (row.state === 'push_pending' && c.push) {
      extras.push = {
        challengeId: c.push.challengeId,
        number: c.push.number,
        expiresAt: new Date(c.push.expiresAt).toISOString(),
      };
    }
    return extras;
  }

  /** Methods offered in `second_factor`, filled once the user is known. */
  async methodsFor(flow: LoginFlowsTable): Promise<string[]> {
    if (!flow.user_id) return [];
    const all = await this.#d.factors.activeMethods(flow.user_id);
    const c = parseContext(flow.context);
    return c.methods ? all.filter((m) => c.methods!.includes(m)) : all;
  }

  async totp(id: string, code: string, ctx: StepCallerCtx) {
    return this.#codeStep(id, 'totp', ctx, (userId) => this.#d.factors.verifyTotp(userId, code));
  }

  async recoveryCode(id: string, code: string, ctx: StepCallerCtx) {
    const done = await this.#codeStep(id, 'recovery_code', ctx, (userId) =>
      this.#d.factors.verifyRecoveryCode(userId, code),
    );
    return done;
  }

  async sms(id: string, code: string, ctx: StepCallerCtx) {
    return this.#codeStep(id, 'sms', ctx, (userId) => this.#d.factors.verifySms(userId, id, code));
  }

  async sendSms(id: string, _ctx: StepCtx) {
    const flow = await this.#secondFactorFlow(id, 'sms');
    const sent = await this.#d.factors.sendSms(flow.user_id!, flow.id);
    await this.#d.audit.record({
      ..._ctx,
      name: 'sms.sent',
      outcome: 'info',
      subjectUserId: flow.user_id,
      data: { flowId: id },
    });
    return { phone: sent.phone, expiresAt: new Date(sent.expiresAt).toISOString() };
  }

  async webauthnOptions(id: string) {
    const flow = await this.#secondFactorFlow(id, 'webauthn');
    const { options, challenge } = await this.#d.factors.webAuthnOptions(flow.user_id!);
    const context = { ...parseContext(flow.context), webauthnChallenge: challenge };
    await this.#d.flows.moveTo(flow, flow.state as FlowState, { context: JSON.stringify(context) });
    return options;
  }

  async webauthn(id: string, response: AuthenticationResponseJSON, ctx: StepCallerCtx) {
    return this.#codeStep(id, 'webauthn', ctx, async (userId, flow) => {
      const challenge = parseContext(flow.context).webauthnChallenge;
      if (!challenge) return { ok: false, code: 'WEBAUTHN_CHALLENGE_MISMATCH' };
      return this.#d.factors.verifyWebAuthn(userId, challenge, response);
    });
  }

  /** Sends a push to the user's phone(s) and waits in `push_pending`. */
  async sendPush(id: string, ctx: StepCtx & { callerSessionId?: string | null }) {
    const flow = await this.#secondFactorFlow(id, 'push');
    assertOwnStepUp(flow, ctx.callerSessionId ?? null);
    const action = flow.action && flow.action in ACTIONS ? ACTIONS[flow.action as Action].words : 'continue';
    const words = flow.purpose === 'step_up' ? `Confirm: ${action}` : `Sign in on ${flow.interface}`;
    const sent = await this.#d.push.send(
      {
        userId: flow.user_id!,
        purpose: flow.purpose === 'step_up' ? 'step_up' : 'login',
        flowId: flow.id,
        words,
        context: { interface: flow.interface, ip: ctx.ip, device: ctx.userAgent.slice(0, 80) },
      },
      ctx,
    );
    const push = {
      challengeId: sent.challengeId,
      number: sent.number,
      expiresAt: Date.parse(sent.expiresAt),
    };
    const context = { ...parseContext(flow.context), push };
    await this.#d.flows.moveTo(flow, 'push_pending', { context: JSON.stringify(context) });
    return sent;
  }

  /** GET on a flow: in `push_pending`, an approved push completes it; a denied or expired one returns to `second_factor`. */
  async poll(id: string, ctx: StepCtx, callerSessionId: string | null): Promise<FlowCompletion> {
    const flow = await this.#d.flows.loadAny(id);
    const push = parseContext(flow.context).push;
    if (flow.state !== 'push_pending' || !push) return { flow: await this.#view(flow) };
    const row = await this.#d.push.status(push.challengeId);
    if (!row || row.status === 'pending') return { flow: await this.#view(flow) };
    if (row.status !== 'approved') {
      const moved = await this.#d.flows.moveTo(flow, 'second_factor', {});
      await this.#d.flows.countFailure(moved);
      return { flow: await this.#view(await this.#d.flows.loadAny(id)) };
    }
    const used: FactorUse = {
      method: 'push',
      at: Number(row.decided_at ?? this.#d.now()),
      userVerified: true,
    };
    return this.#advance(flow, used, ctx, callerSessionId);
  }

  async devicePushWait(flowId: string): Promise<{ userId: string; challengeId: string } | null> {
    const flow = await this.#d.flows.loadAny(flowId);
    const push = parseContext(flow.context).push;
    return flow.state === 'push_pending' && push && flow.user_id
      ? { userId: flow.user_id, challengeId: push.challengeId }
      : null;
  }

  /** `device_validation`: the device signs the challenge with its registered key and its clock. */
  async deviceProof(id: string, proof: DeviceProof, ctx: StepCtx): Promise<FlowCompletion> {
    const flow = await this.#d.flows.load(id);
    const c = parseContext(flow.context);
    if (flow.state !== 'device_validation' || !c.deviceRowId || !c.deviceChallenge)
      throw new AppError('FLOW_STATE_INVALID', { details: { state: flow.state } });
    await this.#d.limiter.check(`factor:${flow.user_id}`);
    const factor = (await this.#d.factorStore.listByDevice(c.deviceRowId)).find(
      (f) => f.method === 'device_key',
    );
    const device = await this.#d.devices.repo.find(c.deviceRowId);
    if (!factor || !device || device.state !== 'trusted') throw new AppError('DEVICE_REVOKED');
    const r = await deviceKeyFactor.verify(
      factor as never,
      { challenge: c.deviceChallenge, proof, maxSkewMs: this.#d.devices.maxSkewMs },
      { now: this.#d.now() },
    );
    if (!r.ok) {
      await this.#failed(flow, 'device_key', r.code, ctx);
      if (r.code === 'CLOCK_SKEW')
        throw new AppError('CLOCK_SKEW', { message: r.message, details: r.details ?? {} });
      throw toAppError(r.code);
    }
    await this.#d.factorStore.update({ ...factor, ...r.record });
    await this.#d.devices.touch(device.id);
    const next: FlowContext = {
      ...c,
      deviceChallenge: undefined,
      needsSecondFactor: flow.interface === 'desktop',
      methods: await this.#d.factors.activeMethods(flow.user_id!),
    };
    const factors = [...(JSON.parse(flow.factors) as FactorUse[]), r.used];
    if (flow.interface === 'desktop' && (await this.#d.factors.hasSecondFactor(flow.user_id!))) {
      const moved = await this.#d.flows.moveTo(flow, 'second_factor', {
        factors: JSON.stringify(factors),
        context: JSON.stringify(next),
      });
      return { flow: await this.#view(moved) };
    }
    return this.#finishLogin(
      { ...flow, factors: JSON.stringify(factors), context: JSON.stringify(next) },
      factors,
      ctx,
    );
  }

  async #codeStep(
    id: string,
    method: string,
    ctx: StepCallerCtx,
    verify: (userId: string, flow: LoginFlowsTable) => Promise<VerifyResult>,
  ): Promise<FlowCompletion> {
    const flow = await this.#secondFactorFlow(id, method);
    assertOwnStepUp(flow, ctx.callerSessionId ?? null);
    await this.#d.limiter.check(`factor:${flow.user_id}`);
    const r = await verify(flow.user_id!, flow);
    if (!r.ok) {
      await this.#failed(flow, method, r.code, ctx);
      throw toAppError(r.code, r.details);
    }
    await this.#d.audit.record({
      ...ctx,
      name: 'factor.verified',
      outcome: 'success',
      subjectUserId: flow.user_id,
      data: { flowId: id, method, factorId: r.factorId },
    });
    if (method === 'recovery_code') await this.#recoveryUsedAlert(flow.user_id!);
    return this.#advance(flow, r.used, ctx, ctx.callerSessionId ?? null);
  }

  async #recoveryUsedAlert(userId: string): Promise<void> {
    const list = await this.#d.factors.list(userId);
    const left = list.find((f) => f.method === 'recovery_code')?.remainingCodes ?? 0;
    await this.#d.devices.notifier.notify(userId, {
      kind: 'recovery_code_used',
      title: 'A recovery code was used',
      body: `A recovery code was used to sign in. ${left} codes remain. If this was not you, secure your account now.`,
    });
  }

  /** Step-up flows rotate the caller's session; sign-in flows complete with a new session. */
  async #advance(
    flow: LoginFlowsTable,
    used: FactorUse,
    ctx: StepCtx,
    callerSessionId: string | null,
  ): Promise<FlowCompletion> {
    const factors = [...(JSON.parse(flow.factors) as FactorUse[]), used];
    if (flow.purpose !== 'step_up') return this.#finishLogin(flow, factors, ctx);
    if (!flow.session_id || callerSessionId !== flow.session_id) throw new AppError('FORBIDDEN');
    await this.#d.flows.markComplete(flow, factors);
    const { token, aal, session } = await this.#d.sessions.stepUp(flow.session_id, [used], levelOf, ctx);
    await this.#d.audit.record({
      ...ctx,
      name: 'step_up.succeeded',
      outcome: 'success',
      subjectUserId: flow.user_id,
      data: { flowId: flow.id, action: flow.action ?? '', method: used.method, aal },
    });
    return {
      flow: this.#d.flows.view({ ...flow, state: 'complete' }),
      session: { token, id: session.id, expiresAt: session.expiresAt, aal },
    };
  }

  /** complete: register or recognise the device, remember it if asked, issue the session. */
  async #finishLogin(flow: LoginFlowsTable, factors: FactorUse[], ctx: StepCtx): Promise<FlowCompletion> {
    const userId = flow.user_id!;
    const c = parseContext(flow.context);
    const usedSecond = factors.some((f) => !['password', 'remembered_device'].includes(f.method));
    let deviceId: string | null = c.deviceRowId ?? null;
    let deviceCookie: string | undefined;
    if (flow.interface === 'portal') {
      const known = c.browserDeviceId ? await this.#d.devices.repo.find(c.browserDeviceId) : undefined;
      if (known && known.user_id === userId && known.state === 'trusted') {
        deviceId = known.id;
        await this.#d.devices.touch(known.id);
      } else {
        const added = await this.#d.devices.addBrowser(userId, ctx.userAgent, {
          ...ctx,
          actorUserId: userId,
        });
        deviceId = added.device.id;
        deviceCookie = added.cookie;
      }
      if (c.remember && usedSecond)
        await this.#d.devices.remember(deviceId, userId, { ...ctx, actorUserId: userId });
    }
    const done = await this.#d.flows.complete(flow, userId, factors, levelOf(factors), ctx, deviceId);
    return deviceCookie ? { ...done, deviceCookie } : done;
  }

  async #failed(flow: LoginFlowsTable, method: string, code: string, ctx: StepCtx): Promise<void> {
    await this.#d.limiter.fail(`factor:${flow.user_id}`);
    const failed = await this.#d.flows.countFailure(flow);
    await this.#d.audit.record({
      ...ctx,
      name: 'factor.rejected',
      outcome: 'failure',
      reason: code,
      subjectUserId: flow.user_id,
      data: { flowId: flow.id, method, flowFailed: failed },
    });
    if (code === 'TOTP_REPLAYED') {
      await this.#d.devices.notifier.notify(flow.user_id!, {
        kind: 'totp_replayed',
        title: 'An authenticator code was reused',
        body: 'Someone entered an authenticator code that had already been used. If this was not you, change your password.',
      });
    }
  }

  async #secondFactorFlow(id: string, method: string): Promise<LoginFlowsTable> {
    const flow = await this.#d.flows.load(id);
    if (!SECOND_FACTOR_STATES.includes(flow.state) || !flow.user_id) {
      throw new AppError('FLOW_STATE_INVALID', { details: { state: flow.state } });
    }
    if (!(await this.methodsFor(flow)).includes(method)) throw new AppError('FACTOR_METHOD_UNAVAILABLE');
    return flow;
  }

  async #view(flow: LoginFlowsTable): Promise<FlowView> {
    const v = this.#d.flows.view(flow);
    if (SECOND_FACTOR_STATES.includes(flow.state)) v.methods = await this.methodsFor(flow);
    return v;
  }

  view(flow: LoginFlowsTable): Promise<FlowView> {
    return this.#view(flow);
  }
}
