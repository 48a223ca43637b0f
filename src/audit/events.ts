/**
 * The closed list of audit event names, `<entity>.<past-tense verb>`.
 * docs/audit.md lists them with their meaning. Each domain keeps its own
 * names in `names/`.
 */
import { AUTHN_EVENTS } from './names/authn.ts';
import { CREDENTIAL_EVENTS } from './names/credentials.ts';
import { TRADING_EVENTS } from './names/trading.ts';

const FOUNDATION_EVENTS = [
  'user.created',
  'user.locked',
  'user.unlocked',
  'user.disabled',
  'user.enabled',
  'user.password_changed',
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'login.expired',
  'session.created',
  'session.rotated',
  'session.revoked',
  'session.expired',
  'access.denied',
  'audit.verified',
] as const;

export const AUDIT_EVENTS = [
  ...FOUNDATION_EVENTS,
  ...AUTHN_EVENTS,
  ...TRADING_EVENTS,
  ...CREDENTIAL_EVENTS,
] as const;

export type AuditEventName = (typeof AUDIT_EVENTS)[number];

export type AuditOutcome = 'success' | 'failure' | 'allow' | 'deny' | 'info';

/** Who did it, from where: filled from the request by the HTTP layer, or by the CLI. */
export interface AuditContext {
  actorUserId?: string | null;
  interface?: string | null;
  sessionId?: string | null;
  deviceId?: string | null;
  ip?: string | null;
  requestId?: string | null;
}

export interface AuditInput extends AuditContext {
  name: AuditEventName;
  outcome: AuditOutcome;
  reason?: string | null;
  subjectUserId?: string | null;
  data?: Record<string, string | number | boolean | null>;
}

export interface AuditEvent {
  seq: number;
  id: string;
  at: string;
  name: AuditEventName;
  outcome: AuditOutcome;
  reason: string | null;
  actorUserId: string | null;
  subjectUserId: string | null;
  interface: string | null;
  sessionId: string | null;
  deviceId: string | null;
  ip: string | null;
  requestId: string | null;
  data: Record<string, unknown>;
  hash: string;
}
