import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { computeAal } from '../authn/factors/assurance.ts';
import type { FactorMethod, UsedFactor } from '../authn/factors/types.ts';
import { AppError } from '../errors/index.ts';
import { Decimal } from '../trading/decimal.ts';
import {
  type Action,
  type ActionContext,
  type Decision,
  isRiskReducing,
  type StepUpRequirement,
} from './actions.ts';
import type { FactorUse, Principal, SessionPrincipal } from './principal.ts';
import { DEFAULT_RULES, type Freshness, type PolicyRule } from './rules.ts';

export interface PolicySettings {
  freshHighSeconds: number;
  freshMediumSeconds: number;
  /** Exact decimal strings. */
  largeOrderNotional: string;
  withdrawAal3Above: string;
}

/** Factor uses that prove a second factor; a remembered device and the password never do. */
const SECOND_FACTORS: readonly string[] = ['totp', 'webauthn', 'push', 'sms', 'recovery_code', 'device_key'];
const KNOWN: readonly string[] = ['password', ...SECOND_FACTORS];

/**
 * decide(principal, action, context) over the rules table: the first rule
 * that matches decides. Pure and synchronous; `enforce` adds the audit event
 * and throws the coded error.
 */
export class PolicyEngine {
  readonly #rules: readonly PolicyRule[];
  readonly #settings: PolicySettings;
  readonly #audit: AuditTrail | null;
  readonly #now: () => number;

  constructor(deps: {
    settings: PolicySettings;
    rules?: readonly PolicyRule[];
    audit?: AuditTrail;
    now?: () => number;
  }) {
    this.#rules = deps.rules ?? DEFAULT_RULES;
    this.#settings = deps.settings;
    this.#audit = deps.audit ?? null;
    this.#now = deps.now ?? Date.now;
  }

  get rules(): readonly PolicyRule[] {
    return this.#rules;
  }

  decide(principal: Principal, action: Action, ctx: ActionContext = {}): Decision {
    const kind = principal.kind === 'session' ? 'session' : 'program';
    const rule = this.#rules.find((r) => r.principal === kind && this.#matches(r, action, ctx));
    if (!rule)
      return { outcome: 'deny', rule: 'default-deny', code: 'POLICY_DENIED', reason: 'no rule allows it' };
    const { effect } = rule;
    if ('allow' in effect) return { outcome: 'allow', rule: rule.name };
    if ('deny' in effect) return { outcome: 'deny', rule: rule.name, code: effect.deny, reason: rule.reason };
    const session = principal as SessionPrincipal;
    const requirement = this.#requirement(effect, rule.reason);
    return satisfies(session, requirement, effect.notSms, this.#now())
      ? { outcome: 'allow', rule: rule.name }
      : { outcome: 'step_up', rule: rule.name, requirement };
  }

  async enforce(
    principal: Principal,
    action: Action,
    ctx: ActionContext,
    audit: AuditContext,
  ): Promise<void> {
    const decision = this.decide(principal, action, ctx);
    await this.#record(decision, action, ctx, audit);
    if (decision.outcome !== 'allow') throw refusal(decision, action);
  }

  /**
   * Like `enforce`, but an allow is not recorded here: it returns the rule, and
   * the caller names it in the event of the action it admits (the order path
   * does, in `order.accepted` or `order.denied`). A refusal is recorded and
   * thrown exactly as by `enforce`.
   */
  async admit(
    principal: Principal,
    action: Action,
    ctx: ActionContext,
    audit: AuditContext,
  ): Promise<string> {
    const decision = this.decide(principal, action, ctx);
    if (decision.outcome === 'allow') return decision.rule;
    await this.#record(decision, action, ctx, audit);
    throw refusal(decision, action);
  }

  async #record(decision: Decision, action: Action, ctx: ActionContext, audit: AuditContext): Promise<void> {
    await this.#audit?.record({
      ...audit,
      name: 'policy.decided',
      outcome: decision.outcome === 'allow' ? 'allow' : 'deny',
      reason:
        decision.outcome === 'deny' ? decision.code : decision.outcome === 'allow' ? null : decision.outcome,
      data: {
        action,
        rule: decision.rule,
        outcome: decision.outcome,
        ...(ctx.accountId ? { accountId: ctx.accountId } : {}),
        ...(ctx.amount ? { amount: ctx.amount } : {}),
      },
    });
  }

  #matches(rule: PolicyRule, action: Action, ctx: ActionContext): boolean {
    if (rule.actions !== 'any' && !rule.actions.includes(action)) return false;
    if (!rule.above) return true;
    if (ctx.amount === undefined) return false;
    try {
      return Decimal.parse(ctx.amount).gt(Decimal.parse(this.#settings[rule.above]));
    } catch {
      return true; // an amount that cannot be read is treated as large: the stricter rule applies
    }
  }

  #requirement(effect: { aal: 2 | 3; fresh: Freshness; notSms: boolean }, reason: string): StepUpRequirement {
    const maxAgeSeconds =
      effect.fresh === 'session'
        ? null
        : effect.fresh === 'high'
          ? this.#settings.freshHighSeconds
          : this.#settings.freshMediumSeconds;
    const methods =
      effect.aal === 3 ? ['webauthn'] : ['totp', 'webauthn', 'push', ...(effect.notSms ? [] : ['sms'])];
    return { aal: effect.aal, maxAgeSeconds, methods, reason };
  }
}

/** True when the session already meets the requirement: level, SMS restriction and freshness. */
export function satisfies(
  session: SessionPrincipal,
  req: StepUpRequirement,
  notSms: boolean,
  now: number,
): boolean {
  if (session.aal < req.aal) return false;
  if (notSms && isSmsRestricted(session.factors)) return false;
  if (req.maxAgeSeconds === null && req.aal === 2) return true;
  const since = req.maxAgeSeconds === null ? 0 : now - req.maxAgeSeconds * 1000;
  return session.factors.some(
    (f) =>
      f.at >= since &&
      f.at <= now &&
      req.methods.includes(f.method) &&
      (req.aal < 3 || (f.method === 'webauthn' && f.hardwareBound === true && f.userVerified === true)),
  );
}

/** The session's level rests on SMS: dropping the SMS uses would lower it. */
export function isSmsRestricted(factors: readonly FactorUse[]): boolean {
  const known = factors.filter((f) => KNOWN.includes(f.method)) as UsedFactor[];
  if (!known.some((f) => f.method === 'sms')) return false;
  return computeAal(known).restricted;
}

/** The time of the last strong authentication (a second factor, never a remembered device), or null. */
export function lastStrongAuthentication(factors: readonly FactorUse[]): number | null {
  const times = factors.filter((f) => SECOND_FACTORS.includes(f.method as FactorMethod)).map((f) => f.at);
  return times.length ? Math.max(...times) : null;
}

export { isRiskReducing };

/** The coded error of a decision that is not an allow. */
function refusal(decision: Exclude<Decision, { outcome: 'allow' }>, action: Action): AppError {
  if (decision.outcome === 'step_up') {
    return new AppError('STEP_UP_REQUIRED', {
      message: `Confirm it is you: ${decision.requirement.reason}.`,
      details: { requirement: decision.requirement, action },
    });
  }
  if (decision.outcome === 'approval') {
    return new AppError('APPROVAL_REQUIRED', { details: { reason: decision.reason } });
  }
  return new AppError(decision.code as 'POLICY_DENIED', { details: { action, rule: decision.rule } });
}
