/**
 * Errors raised by the client. Every non-2xx answer of the API has the shape
 * `{ error: { code, message, requestId, details } }`; it becomes a
 * `PortcullisError` subclass chosen by code first, then by HTTP status, so
 * callers can `catch (e) { if (e instanceof RateLimitedError) … }` or
 * `switch (e.code)`. Failures before any answer are `NetworkError`s.
 */

export interface ErrorInit {
  code: string;
  message: string;
  /** HTTP status; 0 when no answer was received. */
  status: number;
  requestId?: string | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class PortcullisError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(init: ErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details ?? {};
  }
}

/** 400: the request is malformed; fix it before sending again. */
export class ValidationError extends PortcullisError {}
/** 401: no valid credential — bad signature, expired or revoked key or token. */
export class UnauthenticatedError extends PortcullisError {}
/** 401 TIMESTAMP_OUT_OF_WINDOW: the local clock is off; `serverTime` and `skewMs` say by how much. */
export class TimestampOutOfWindowError extends UnauthenticatedError {
  get serverTime(): number | undefined {
    return numberOr(this.details['serverTime']);
  }
  get skewMs(): number | undefined {
    return numberOr(this.details['skewMs']);
  }
}
/** 401 REPLAYED_REQUEST: the nonce was already used; every request needs a fresh one. */
export class ReplayedRequestError extends UnauthenticatedError {}
/** 403: the credential may not do this (scope, account, IP, environment, symbol…). */
export class ForbiddenError extends PortcullisError {}
/** 403 STEP_UP_REQUIRED: a person must authenticate again; `requirement` says how. */
export class StepUpRequiredError extends ForbiddenError {
  get requirement(): Record<string, unknown> | undefined {
    const value = this.details['requirement'];
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  }
}
/** 202/403 APPROVAL_REQUIRED: a second approval on another device is pending. */
export class ApprovalRequiredError extends ForbiddenError {
  get approvalId(): string | undefined {
    const value = this.details['approvalId'] ?? this.details['approvalRequestId'];
    return typeof value === 'string' ? value : undefined;
  }
}
/** 404. */
export class NotFoundError extends PortcullisError {}
/** 409: the resource is in a state that does not allow this. */
export class ConflictError extends PortcullisError {}
/** 422: the order was rejected by a pre-trade risk check or a credential limit; `code` names it. */
export class RiskRejectedError extends PortcullisError {}
/** 429: slow down; `retryAfterMs` says for how long when the server told. */
export class RateLimitedError extends PortcullisError {
  get retryAfterMs(): number | undefined {
    return numberOr(this.details['retryAfterMs']);
  }
}
/** 5xx. */
export class ServerError extends PortcullisError {}
/** No answer: connection refused or reset, DNS failure, timeout. */
export class NetworkError extends PortcullisError {}

type ErrorClass = new (init: ErrorInit) => PortcullisError;

const BY_CODE: Record<string, ErrorClass> = {
  STEP_UP_REQUIRED: StepUpRequiredError,
  APPROVAL_REQUIRED: ApprovalRequiredError,
  RATE_LIMITED: RateLimitedError,
  LOGIN_THROTTLED: RateLimitedError,
  REPLAYED_REQUEST: ReplayedRequestError,
  TIMESTAMP_OUT_OF_WINDOW: TimestampOutOfWindowError,
};

function byStatus(status: number): ErrorClass {
  if (status === 400) return ValidationError;
  if (status === 401) return UnauthenticatedError;
  if (status === 403) return ForbiddenError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return RiskRejectedError;
  if (status === 429) return RateLimitedError;
  if (status >= 500) return ServerError;
  return PortcullisError;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Milliseconds from a Retry-After header (delta seconds or an HTTP date), if present and sane. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Builds the error for a non-2xx answer from its status, parsed JSON body (if any) and headers. */
export function errorFromResponse(status: number, body: unknown, headers?: Headers): PortcullisError {
  const error =
    typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object'
      ? ((body as { error: Record<string, unknown> }).error ?? {})
      : {};
  const code = typeof error['code'] === 'string' ? error['code'] : `HTTP_${status}`;
  const message = typeof error['message'] === 'string' ? error['message'] : `HTTP ${status}`;
  const details = { ...((typeof error['details'] === 'object' && error['details']) || {}) } as Record<
    string,
    unknown
  >;
  const retryAfterMs = parseRetryAfter(headers?.get('retry-after') ?? null);
  if (retryAfterMs !== undefined && details['retryAfterMs'] === undefined)
    details['retryAfterMs'] = retryAfterMs;
  const requestId =
    typeof error['requestId'] === 'string' ? error['requestId'] : (headers?.get('x-request-id') ?? undefined);
  const Class = BY_CODE[code] ?? byStatus(status);
  return new Class({ code, message, status, requestId, details });
}
