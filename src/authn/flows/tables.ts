export interface LoginFlowsTable {
  id: string;
  interface: string;
  purpose: string;
  state: string;
  user_id: string | null;
  session_id: string | null;
  action: string | null;
  device: string | null;
  ip: string;
  user_agent: string;
  attempts: number;
  /** JSON array of { method, at } gathered so far. */
  factors: string;
  failure_code: string | null;
  /** JSON: issued challenges, the remember choice (migration 0002). */
  context?: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
}
