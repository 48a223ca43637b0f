export { canonicalEvent, chainHash, GENESIS_HASH, type VerifyResult } from './chain.ts';
export {
  AUDIT_EVENTS,
  type AuditContext,
  type AuditEvent,
  type AuditEventName,
  type AuditInput,
  type AuditOutcome,
} from './events.ts';
export { type AuditQuery, AuditTrail } from './trail.ts';
