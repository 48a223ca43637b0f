export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  interface: string;
  device_id: string | null;
  ip: string;
  user_agent: string;
  aal: number;
  /** JSON array of { method, at } — which factors were used and when. */
  factors: string;
  created_at: number;
  last_seen_at: number;
  absolute_expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}
