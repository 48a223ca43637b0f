/**
 * The closed list of public error codes. Each code has one HTTP status and a
 * default message; docs/errors.md documents what a caller should do.
 * Keep this table and docs/errors.md in step (a test compares them).
 * Each domain keeps its own codes beside this file.
 */
import { AUTHN_CODES } from './authn.ts';
import { CREDENTIAL_ERROR_CODES } from './credentials.ts';
import type { CodeEntry } from './entry.ts';
import { TRADING_CODES } from './trading.ts';

const FOUNDATION_CODES = {
  VALIDATION_FAILED: { status: 400, message: 'The request is malformed or a field is invalid.' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  NOT_FOUND: { status: 404, message: 'No such resource.' },
  URI_TOO_LONG: { status: 414, message: 'A path parameter or the URL is too long.' },
  UNAUTHENTICATED: { status: 401, message: 'A valid session is required.' },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired; sign in again.' },
  CSRF_FAILED: { status: 403, message: 'The CSRF token is missing or does not match.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The login name or password is incorrect.' },
  LOGIN_THROTTLED: { status: 429, message: 'Too many failed attempts; wait before trying again.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down.' },
  FLOW_NOT_FOUND: { status: 404, message: 'No such sign-in flow.' },
  FLOW_EXPIRED: { status: 410, message: 'The sign-in flow has expired; start a new one.' },
  FLOW_STATE_INVALID: { status: 409, message: 'This step is not available in the flow’s current state.' },
  FLOW_FAILED: { status: 409, message: 'The sign-in flow has failed; start a new one.' },
  PASSWORD_TOO_SHORT: { status: 422, message: 'The password is too short.' },
  PASSWORD_TOO_LONG: { status: 422, message: 'The password is too long.' },
  PASSWORD_COMMON: { status: 422, message: 'The password is among commonly used or breached passwords.' },
  PASSWORD_CONTAINS_IDENTIFIER: {
    status: 422,
    message: 'The password must not contain the login name or email.',
  },
  PASSWORD_REUSED: { status: 422, message: 'The new password must differ from the current one.' },
  CURRENT_PASSWORD_INVALID: { status: 403, message: 'The current password is incorrect.' },
  LOGIN_NAME_TAKEN: { status: 409, message: 'This login name or email is already in use.' },
  USER_NOT_FOUND: { status: 404, message: 'No such user.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  INTERNAL: { status: 500, message: 'An internal error occurred.' },
} as const satisfies Record<string, CodeEntry>;

export const ERROR_CODES = {
  ...FOUNDATION_CODES,
  ...AUTHN_CODES,
  ...TRADING_CODES,
  ...CREDENTIAL_ERROR_CODES,
} as const satisfies Record<string, CodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
