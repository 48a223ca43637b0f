import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ApprovalRequiredError,
  errorFromResponse,
  ForbiddenError,
  NotFoundError,
  type PortcullisError,
  parseRetryAfter,
  RateLimitedError,
  ReplayedRequestError,
  RiskRejectedError,
  ServerError,
  StepUpRequiredError,
  TimestampOutOfWindowError,
  UnauthenticatedError,
  ValidationError,
} from './errors.ts';

const body = (code: string, details: Record<string, unknown> = {}) => ({
  error: { code, message: `${code} happened`, requestId: 'req_1', details },
});

describe('mapping error answers', () => {
  test('specific codes map to their own classes, which keep code, status, requestId and details', () => {
    const requirement = { aal: 2, maxAgeSeconds: 300, methods: ['totp'], reason: 'new payee' };
    const stepUp = errorFromResponse(403, body('STEP_UP_REQUIRED', { requirement }));
    assert.ok(stepUp instanceof StepUpRequiredError && stepUp instanceof ForbiddenError);
    assert.deepEqual(stepUp.requirement, requirement);
    assert.equal(stepUp.code, 'STEP_UP_REQUIRED');
    assert.equal(stepUp.status, 403);
    assert.equal(stepUp.requestId, 'req_1');
    assert.equal(stepUp.message, 'STEP_UP_REQUIRED happened');
    assert.equal(stepUp.name, 'StepUpRequiredError');
    assert.ok(errorFromResponse(401, body('REPLAYED_REQUEST')) instanceof ReplayedRequestError);
    assert.equal(
      errorFromResponse(202, body('APPROVAL_REQUIRED', { approvalId: 'apr_1' })).constructor,
      ApprovalRequiredError,
    );
  });

  test('TIMESTAMP_OUT_OF_WINDOW exposes the server time and the skew', () => {
    const error = errorFromResponse(
      401,
      body('TIMESTAMP_OUT_OF_WINDOW', { serverTime: 1000, skewMs: -60000 }),
    );
    assert.ok(error instanceof TimestampOutOfWindowError && error instanceof UnauthenticatedError);
    assert.equal(error.serverTime, 1000);
    assert.equal(error.skewMs, -60000);
  });

  test('other codes map by status: 400, 401, 403, 404, 422 risk, 429, 5xx', () => {
    const cases: Array<[number, string, new (...a: never[]) => PortcullisError]> = [
      [400, 'VALIDATION_FAILED', ValidationError],
      [401, 'INVALID_SIGNATURE', UnauthenticatedError],
      [403, 'IP_NOT_ALLOWED', ForbiddenError],
      [404, 'NOT_FOUND', NotFoundError],
      [422, 'PRICE_OUTSIDE_COLLAR', RiskRejectedError],
      [429, 'SOMETHING_NEW', RateLimitedError],
      [503, 'NOT_READY', ServerError],
    ];
    for (const [status, code, Class] of cases) {
      const error = errorFromResponse(status, body(code));
      assert.ok(error instanceof Class, `${status} ${code} → ${error.constructor.name}`);
      assert.equal(error.code, code);
    }
  });

  test('a risk rejection keeps the check values from details', () => {
    const error = errorFromResponse(
      422,
      body('PRICE_OUTSIDE_COLLAR', { limitPrice: '250.00', collarHigh: '196.61' }),
    );
    assert.deepEqual(error.details, { limitPrice: '250.00', collarHigh: '196.61' });
  });

  test('Retry-After becomes retryAfterMs, in seconds or as an HTTP date', () => {
    const error = errorFromResponse(429, body('RATE_LIMITED'), new Headers({ 'retry-after': '3' }));
    assert.ok(error instanceof RateLimitedError);
    assert.equal(error.retryAfterMs, 3000);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  test('an answer without the error shape still becomes a typed error named after its status', () => {
    const error = errorFromResponse(502, undefined, new Headers({ 'x-request-id': 'req_proxy' }));
    assert.ok(error instanceof ServerError);
    assert.equal(error.code, 'HTTP_502');
    assert.equal(error.requestId, 'req_proxy');
  });
});
