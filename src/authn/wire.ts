import type { AuditContext } from '../audit/index.ts';
import type { FoundationServices } from '../container.ts';
import { DeviceRepository } from '../devices/repository.ts';
import { DeviceService } from '../devices/service.ts';
import type { Action, ActionContext, Decision } from '../policy/actions.ts';
import { PolicyEngine } from '../policy/engine.ts';
import type { Principal } from '../policy/principal.ts';
import { FactorService } from './factor-service.ts';
import { FactorStore } from './factor-store.ts';
import { createDevSmsSender, createWebhookSmsSender } from './factors/sms-senders.ts';
import { SecondFactorSteps } from './flows/steps.ts';
import { GuessLimiter } from './guess-limiter.ts';
import { type Notification, Notifier } from './notifier.ts';
import { DeviceHub } from './push/hub.ts';
import { PushRepository } from './push/repository.ts';
import { type ApprovalOutcome, PushService } from './push/service.ts';

export interface PolicyService {
  enforce(principal: Principal, action: Action, ctx: ActionContext, audit: AuditContext): Promise<void>;
  admit(principal: Principal, action: Action, ctx: ActionContext, audit: AuditContext): Promise<string>;
  decide(principal: Principal, action: Action, ctx: ActionContext): Decision;
}

export interface NotifierService {
  notify(userId: string, n: Notification): Promise<void>;
}

export interface ApprovalService {
  /** A push to the user's phone(s) with number matching; the phone shows `words`. */
  request(input: {
    userId: string;
    words: string;
    accountId?: string;
    ctx: AuditContext;
  }): Promise<{ challengeId: string; number: number; expiresAt: string }>;
  onDecision(listener: (challengeId: string, outcome: ApprovalOutcome) => Promise<void>): void;
}

/** Second factors, devices, push, step-up and the policy engine, wired once per node. */
export interface AuthnServices {
  readonly policy: PolicyService;
  readonly notifier: NotifierService & Notifier;
  readonly approvals: ApprovalService;
  readonly factors: FactorService;
  readonly devices: DeviceService;
  readonly push: PushService;
  readonly steps: SecondFactorSteps;
  readonly hub: DeviceHub;
}

export async function createAuthnServices(base: FoundationServices): Promise<AuthnServices> {
  const { config, store, audit, sessions, flows } = base;
  const now = base.now;
  const pushRepo = new PushRepository(store.db);
  const factorStore = new FactorStore(store.db, config.keyRing);
  const deviceRepo = new DeviceRepository(store.db);
  const hub = new DeviceHub({ redisUrl: config.eventsRedisUrl });
  await hub.ready();
  const notifier = new Notifier({ repo: pushRepo, hub, audit, now });
  const limiter = new GuessLimiter({ limit: config.factorFailuresPerHour, now });
  const policy = new PolicyEngine({
    settings: {
      freshHighSeconds: config.policyFreshHighSeconds,
      freshMediumSeconds: config.policyFreshMediumSeconds,
      largeOrderNotional: config.policyLargeOrderNotional,
      withdrawAal3Above: config.policyWithdrawAal3Above,
    },
    audit,
    now,
  });
  const sender = config.smsWebhookUrl
    ? createWebhookSmsSender({ url: config.smsWebhookUrl })
    : createDevSmsSender({ folder: config.dataDir });
  const factors = new FactorService({
    store: factorStore,
    repo: pushRepo,
    ring: config.keyRing,
    audit,
    limiter,
    sms: { enabled: config.smsEnabled, sender },
    webauthn: { rpId: config.webauthnRpId, rpName: 'Portcullis', origin: config.publicOrigin },
    now,
  });
  const devices = new DeviceService({
    repo: deviceRepo,
    factors: factorStore,
    sessions,
    notifier,
    audit,
    options: {
      origin: config.publicOrigin,
      maxSkewMs: config.maxClockSkewSeconds * 1000,
      rememberMs: config.rememberDeviceDays * 86_400_000,
    },
    now,
  });
  const push = new PushService({
    repo: pushRepo,
    factors: factorStore,
    devices: deviceRepo,
    hub,
    notifier,
    audit,
    now,
  });
  const steps = new SecondFactorSteps({
    flows,
    factors,
    factorStore,
    push,
    devices,
    sessions,
    audit,
    limiter,
    now,
  });
  flows.attachSteps(steps);
  const approvals: ApprovalService = {
    async request({ userId, words, accountId, ctx }) {
      return push.send(
        {
          userId,
          purpose: 'approval',
          words,
          context: { ...(accountId ? { accountId } : {}), ip: ctx.ip ?? '' },
        },
        ctx,
      );
    },
    onDecision: (listener) => push.onDecision(listener),
  };
  return { policy, notifier, approvals, factors, devices, push, steps, hub };
}
