export interface AuditEventsTable {
  seq: number;
  id: string;
  at: number;
  name: string;
  outcome: string;
  reason: string | null;
  actor_user_id: string | null;
  subject_user_id: string | null;
  interface: string | null;
  session_id: string | null;
  device_id: string | null;
  ip: string | null;
  request_id: string | null;
  /** JSON object of non-secret details. */
  data: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}
