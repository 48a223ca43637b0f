export type UserStatus = 'active' | 'locked' | 'disabled';

export interface UsersTable {
  id: string;
  login_name: string;
  email: string | null;
  phone: string | null;
  display_name: string;
  status: UserStatus;
  is_admin: number;
  password_hash: string | null;
  password_changed_at: number | null;
  locked_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** Failed-attempt counters keyed by a hash of the normalised identifier, known or not. */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: number;
  next_allowed_at: number;
}
