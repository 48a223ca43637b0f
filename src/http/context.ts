import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../audit/index.ts';
import type { CredentialAction } from '../credentials/scopes.ts';
import { AppError } from '../errors/index.ts';
import type { Principal, SessionPrincipal } from '../policy/principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * Who may call: 'none' (public), 'session' (a person's session from any
     * interactive way in), 'principal' (a session, or a program's credential
     * whose scopes grant `credentialAction`), 'admin' (an administrator's session).
     */
    auth?: 'none' | 'session' | 'principal' | 'admin';
    /** With 'principal': what a program's credential must be granted (src/credentials/scopes.ts). */
    credentialAction?: CredentialAction;
  }
}

export function auditCtx(req: FastifyRequest): AuditContext & { ip: string; userAgent: string } {
  const p = req.principal;
  const session = p?.kind === 'session' ? p : null;
  return {
    actorUserId: p?.userId ?? null,
    interface: session ? session.interface : p ? 'api' : null,
    sessionId: session?.sessionId ?? null,
    deviceId: session?.deviceId ?? null,
    ip: req.ip,
    requestId: req.id,
    userAgent: String(req.headers['user-agent'] ?? '').slice(0, 512),
  };
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED');
  return req.principal;
}

/** The caller's interactive session; a program's credential is refused here. */
export function requireSession(req: FastifyRequest): SessionPrincipal {
  const p = requirePrincipal(req);
  if (p.kind !== 'session') throw new AppError('FORBIDDEN');
  return p;
}
