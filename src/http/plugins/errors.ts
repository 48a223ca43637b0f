import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode } from '../../errors/index.ts';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_BAD_URL: 'NOT_FOUND',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'NOT_FOUND',
};

export function sendError(
  reply: FastifyReply,
  req: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
  status: number = ERROR_CODES[code].status,
): FastifyReply {
  return reply
    .status(status)
    .send({ error: { code, message, requestId: req.id, ...(details ? { details } : {}) } });
}

/** Errors the router raises before any route or hook runs (bad URL encoding, over-long parameters). */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const code = (err.code && FASTIFY_CODES[err.code]) || 'NOT_FOUND';
  reply.header('x-request-id', req.id);
  sendError(reply, req, code, ERROR_CODES[code].message);
}

/** Maps every failure to the one error shape; nothing internal leaks (messages of 5xx are generic). */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      return sendError(reply, req, err.code, err.message, err.details, err.status);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const issues = fe.validation.slice(0, 10).map((v) => ({
        in: fe.validationContext ?? 'body',
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      return sendError(reply, req, 'VALIDATION_FAILED', ERROR_CODES.VALIDATION_FAILED.message, { issues });
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return sendError(reply, req, mapped, ERROR_CODES[mapped].message);
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code: ErrorCode =
        status === 404
          ? 'NOT_FOUND'
          : status === 413
            ? 'PAYLOAD_TOO_LARGE'
            : status === 415
              ? 'UNSUPPORTED_MEDIA_TYPE'
              : 'VALIDATION_FAILED';
      return sendError(reply, req, code, ERROR_CODES[code].message);
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, req, 'INTERNAL', ERROR_CODES.INTERNAL.message);
  });

  app.setNotFoundHandler((req, reply) =>
    sendError(
      reply,
      req,
      'NOT_FOUND',
      `No route for ${req.method} ${(req.url.split('?')[0] ?? '').slice(0, 200)}.`,
    ),
  );
}
