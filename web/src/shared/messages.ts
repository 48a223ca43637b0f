import { ApiError } from './api.ts';

/** What a person should read for each stable error code (docs/errors.md). */
const MESSAGES: Record<string, (d: Record<string, unknown>) => string> = {
  INVALID_CREDENTIALS: () => 'The login name or password is wrong.',
  LOGIN_THROTTLED: (d) =>
    `Too many failed attempts for this account. Try again in ${secs(d.retryAfterSeconds)}.`,
  RATE_LIMITED: (d) => `Too many attempts from this network. Try again in ${secs(d.retryAfterSeconds)}.`,
  ACCOUNT_LOCKED: () => 'This account is locked. Contact support to unlock it.',
  FLOW_EXPIRED: () => 'This sign-in took too long and expired. Start again.',
  FLOW_FAILED: () => 'This sign-in ended after too many wrong attempts. Start again.',
  FLOW_NOT_FOUND: () => 'This sign-in is no longer known. Start again.',
  FLOW_STATE_INVALID: () => 'That step does not fit this sign-in any more. Start again.',
  TOTP_INVALID: () => 'That code is not right. Check the time on your phone and try the current code.',
  TOTP_REPLAYED: () => 'That code was already used. Wait for the next one.',
  RECOVERY_CODE_INVALID: () => 'That recovery code is not right.',
  RECOVERY_CODE_USED: () => 'That recovery code was already used.',
  PUSH_DENIED: () => 'The request was denied on your phone.',
  PUSH_WRONG_NUMBER: () => 'The wrong number was picked on your phone. Nothing was approved.',
  PUSH_EXPIRED: () => 'The push expired before it was answered. Send a new one.',
  PUSH_BLOCKED: () => 'Pushes are paused after several denials. Use another method.',
  CLOCK_SKEW: (d) =>
    `This device's clock is off by ${secs(Math.abs(Number(d.skewSeconds ?? d.skewMs ?? 0)))}. Correct the time and retry.`,
  DEVICE_PROOF_INVALID: () => 'This device could not prove itself. It may need to be enrolled again.',
  WEBAUTHN_VERIFICATION_FAILED: () => 'The security key answer could not be verified.',
  WEBAUTHN_FAILED: () => 'The security key answer could not be verified.',
  STEP_UP_REQUIRED: () => 'Confirm it is you to continue.',
  UNAUTHENTICATED: () => 'You are signed out.',
  SESSION_EXPIRED: () => 'Your session ended. Sign in again.',
  CSRF_FAILED: () => 'This page is out of date. Reload it and try again.',
  FORBIDDEN: () => 'You are not allowed to do this.',
  NOT_FOUND: () => 'This feature is not available on this server yet.',
};

function secs(v: unknown): string {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) return 'a moment';
  return n < 90 ? `${Math.ceil(n)} seconds` : `${Math.ceil(n / 60)} minutes`;
}

export function describe(err: unknown): string {
  if (err instanceof ApiError) {
    const m = MESSAGES[err.code];
    return m ? m(err.details) : err.message || err.code;
  }
  if (err instanceof DOMException && err.name === 'NotAllowedError') return 'The request was cancelled.';
  return err instanceof Error ? err.message : String(err);
}

export function codeOf(err: unknown): string | null {
  return err instanceof ApiError ? err.code : null;
}
