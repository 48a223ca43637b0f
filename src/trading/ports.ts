/**
 * What trading uses from the authn domain: the policy engine (friction follows
 * risk), the notifier and second approvals. Read from `services.authn` at call
 * time; each is optional so the order path also runs where one is not wired
 * (for example a CLI process without the push hub).
 */
import type { AuditContext } from '../audit/index.ts';
import type { ApprovalService, AuthnServices, NotifierService, PolicyService } from '../authn/wire.ts';
import type { Action, ActionContext } from '../policy/actions.ts';
import type { Principal } from '../policy/principal.ts';

export type PolicyPort = Pick<PolicyService, 'enforce' | 'admit'>;
export type NotifierPort = NotifierService;
export type ApprovalsPort = ApprovalService;

export interface AuthnPorts {
  readonly policy: PolicyPort | undefined;
  readonly notifier: NotifierPort | undefined;
  readonly approvals: ApprovalsPort | undefined;
}

export function authnPorts(authn: Partial<AuthnServices>): AuthnPorts {
  return {
    get policy() {
      return authn.policy;
    },
    get notifier() {
      return authn.notifier;
    },
    get approvals() {
      return authn.approvals;
    },
  };
}

/** Runs the policy for an action; risk-reducing actions are always allowed by its table. */
export async function enforce(
  ports: AuthnPorts,
  principal: Principal,
  action: Action,
  ctx: ActionContext,
  audit: AuditContext,
): Promise<void> {
  await ports.policy?.enforce(principal, action, ctx, audit);
}

type Message = {
  kind: string;
  title: string;
  body: string;
  data?: Record<string, string | number | boolean | null>;
};

/** Notifies every given user; a failing notifier never fails the action that triggered it. */
export async function notifyAll(
  ports: AuthnPorts,
  userIds: readonly string[],
  message: Message,
): Promise<void> {
  const n = ports.notifier;
  if (!n) return;
  await Promise.allSettled(userIds.map((u) => n.notify(u, message)));
}

/**
 * Runs the policy for an action whose own audit event records the allow;
 * answers `action=rule` for that event (null where no policy is wired).
 */
export async function admit(
  ports: AuthnPorts,
  principal: Principal,
  action: Action,
  ctx: ActionContext,
  audit: AuditContext,
): Promise<string | null> {
  const rule = await ports.policy?.admit(principal, action, ctx, audit);
  return rule === undefined ? null : `${action}=${rule}`;
}
