import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../container.ts';
import { carriesCredential } from '../../credentials/authenticator.ts';
import { oauthAccess } from '../../credentials/oauth/access.ts';
import { AppError } from '../../errors/index.ts';
import { SessionService } from '../../sessions/index.ts';
import { safeEqual } from '../../store/ids.ts';
import { auditCtx } from '../context.ts';

export const SESSION_COOKIE = '__Host-pc_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const RAW_BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact body bytes of a signed request (what PC-SIGNATURE covers). */
    rawBody: Buffer | undefined;
  }
}

/**
 * Resolves the caller of every route that asks for it (`config.auth`):
 * the portal by its `__Host-` cookie (with a CSRF token on every state-changing
 * request), mobile and desktop by a bearer token; a third-party app by its
 * OAuth access token (`Bearer`, or `DPoP` plus a proof when the token is
 * bound). A session is accepted only through the transport of its own way in.
 *
 * Programs (a signed request, a delegated token) are admitted only on
 * `'principal'` routes, and only when their scopes grant the route's
 * `credentialAction` within their environment, accounts and IP allowlist; on
 * any other route they answer ACTION_NOT_DELEGABLE (src/credentials/authenticator.ts).
 */
export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('rawBody', undefined);
  // A JSON body arrives as one buffer: a signed request keeps those exact bytes for its
  // signature, and the JSON is parsed by Fastify's own parser (prototype poisoning refused).
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const bytes = body as Buffer;
    if (req.headers['pc-signature'] !== undefined) req.rawBody = bytes;
    json(req, bytes.toString('utf8'), done);
  });
  // Any other signed body is read whole and replayed to the parsers.
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.headers['pc-signature'] === undefined || !hasBody(req) || isJson(req)) return payload;
    req.rawBody = await readAll(payload);
    const replay = Readable.from([req.rawBody]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = req.rawBody.length;
    return replay;
  });
  app.addHook('preHandler', async (req, reply) => {
    const mode = req.routeOptions.config?.auth ?? 'none';
    if (mode === 'none') return;
    if (carriesCredential(req.headers)) {
      req.principal = await admitProgram(req, services, mode === 'principal');
      return;
    }
    try {
      await authenticate(req, reply, services);
    } catch (error) {
      // A bearer token that is no session may be a third-party app's OAuth access token.
      if (mode !== 'principal' || !(error instanceof AppError) || error.code !== 'UNAUTHENTICATED')
        throw error;
      const m = /^(Bearer|DPoP) ([A-Za-z0-9_-]{20,128})$/.exec(req.headers.authorization ?? '');
      if (!m) throw error;
      req.principal = await admitOauth(req, services, m[1] as 'Bearer' | 'DPoP', m[2]!);
      return;
    }
    if (mode === 'admin' && !req.principal?.isAdmin) {
      await services.audit.record({
        ...auditCtx(req),
        name: 'access.denied',
        outcome: 'deny',
        reason: 'FORBIDDEN',
        data: { route: req.routeOptions.url ?? '' },
      });
      throw new AppError('FORBIDDEN');
    }
  });
}

/** Whether the request carries body bytes (a body-less request signs the digest of ""). */
function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The media type the JSON parser takes (`application/json`, any parameters). */
function isJson(req: FastifyRequest): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && type.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}

async function readAll(payload: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > RAW_BODY_LIMIT) throw new AppError('PAYLOAD_TOO_LARGE');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

/** The account a route addresses: `:accountId`, or `:id` under `/accounts/`. */
function routeAccount(req: FastifyRequest): string | undefined {
  const params = (req.params ?? {}) as Record<string, unknown>;
  const value =
    params['accountId'] ??
    (/\/accounts\/:id(\/|$)/.test(req.routeOptions.url ?? '') ? params['id'] : undefined);
  return typeof value === 'string' ? value : undefined;
}

async function admitProgram(req: FastifyRequest, services: Services, principalRoute: boolean) {
  return services.credentials.authenticator.admit(
    {
      method: req.method,
      url: req.url,
      headers: req.headers,
      rawBody: req.rawBody,
      ip: req.ip,
      audit: auditCtx(req),
    },
    {
      action: principalRoute ? req.routeOptions.config?.credentialAction : undefined,
      accountId: routeAccount(req),
      route: `${req.method} ${req.routeOptions.url ?? ''}`,
    },
  );
}

function admitOauth(req: FastifyRequest, services: Services, scheme: 'Bearer' | 'DPoP', token: string) {
  const { authenticator, oauth } = services.credentials;
  // A DPoP proof's htu is the public URL of this request, without query and fragment.
  const htu = `${services.config.publicOrigin}${req.url.split('?')[0]}`;
  return authenticator.admitOauth(
    {
      method: req.method,
      url: req.url,
      headers: req.headers,
      rawBody: undefined,
      ip: req.ip,
      audit: auditCtx(req),
    },
    {
      action: req.routeOptions.config?.credentialAction,
      accountId: routeAccount(req),
      route: `${req.method} ${req.routeOptions.url ?? ''}`,
    },
    { scheme, token, htu },
    () => oauthAccess(oauth, token, services.config.apiEnvironment),
  );
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
      await services.audit.record({
        ...auditCtx(req),
        name: 'access.denied',
        outcome: 'deny',
        reason: 'CSRF_FAILED',
        data: { route: req.routeOptions.url ?? '' },
      });
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
