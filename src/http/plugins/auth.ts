import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../container.ts';
import { AppError } from '../../errors/index.ts';
import { safeEqual } from '../../store/ids.ts';
import { SessionService } from '../../sessions/index.ts';
import { auditCtx } from '../context.ts';

export const SESSION_COOKIE = '__Host-pc_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller of every route that asks for it (`config.auth`):
 * the portal by its `__Host-` cookie (with a CSRF token on every state-changing
 * request), mobile and desktop by a bearer token. A session is accepted only
 * through the transport of its own way in.
 */
export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('principal', null);
  app.addHook('preHandler', async (req, reply) => {
    const mode = req.routeOptions.config?.auth ?? 'none';
    if (mode === 'none') return;
    await authenticate(req, reply, services);
    if (mode === 'admin' && !req.principal?.isAdmin) {
      await services.audit.record({ ...auditCtx(req), name: 'access.denied', outcome: 'deny', reason: 'FORBIDDEN', data: { route: req.routeOptions.url ?? '' } });
      throw new AppError('FORBIDDEN');
    }
  });
}

async function authenticate(req: FastifyRequest, _reply: FastifyReply, services: Services): Promise<void> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(header);
    if (!m) throw new AppError('UNAUTHENTICATED');
    req.principal = await services.sessions.authenticate(m[1]!, 'bearer');
    return;
  }
  const token = req.cookies[SESSION_COOKIE];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) throw new AppError('UNAUTHENTICATED');
  req.principal = await services.sessions.authenticate(token, 'cookie');
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !safeEqual(sent, SessionService.csrfTokenFor(token))) {
      await services.audit.record({ ...auditCtx(req), name: 'access.denied', outcome: 'deny', reason: 'CSRF_FAILED', data: { route: req.routeOptions.url ?? '' } });
      throw new AppError('CSRF_FAILED');
    }
  }
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  // Secure is always set: browsers accept Secure cookies from http://localhost, and a
  // `__Host-` cookie is only valid with it. No Max-Age: the cookie ends with the browser.
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'strict' });
}
