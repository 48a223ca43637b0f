import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { Principal } from '../policy/principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call: 'none' (public), 'session' (any way in), 'admin' (an administrator's session). */
    auth?: 'none' | 'session' | 'admin';
  }
}

export function auditCtx(req: FastifyRequest): AuditContext & { ip: string; userAgent: string } {
  const p = req.principal;
  return {
    actorUserId: p?.userId ?? null,
    interface: p?.interface ?? null,
    sessionId: p?.sessionId ?? null,
    deviceId: p?.deviceId ?? null,
    ip: req.ip,
    requestId: req.id,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 512),
  };
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED');
  return req.principal;
}
