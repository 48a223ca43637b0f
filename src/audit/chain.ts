import { createHash } from 'node:crypto';
import type { AuditEventsTable } from './tables.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** Field order of the canonical form; changing it breaks every existing chain. */
const CANONICAL_FIELDS = [
  'seq',
  'id',
  'at',
  'name',
  'outcome',
  'reason',
  'actor_user_id',
  'subject_user_id',
  'interface',
  'session_id',
  'device_id',
  'ip',
  'request_id',
  'data',
] as const;

type ChainedFields = Pick<AuditEventsTable, (typeof CANONICAL_FIELDS)[number]>;

/** The canonical bytes of an event: a JSON array of its fields in fixed order. */
export function canonicalEvent(row: ChainedFields): string {
  return JSON.stringify(CANONICAL_FIELDS.map((f) => row[f] ?? null));
}

/** hash = SHA-256(prev_hash ‖ "\n" ‖ canonical event), lower-case hex. */
export function chainHash(prevHash: string, row: ChainedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEvent(row)).digest('hex');
}

export type VerifyResult =
  | { ok: true; checked: number; headSeq: number }
  | { ok: false; checked: number; brokenAt: number; reason: string };
