import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { Services } from '../../container.ts';
import { toUser } from '../../identity/index.ts';
import { isSmsRestricted, lastStrongAuthentication } from '../../policy/engine.ts';
import type { SessionPrincipal } from '../../policy/principal.ts';
import { SessionService } from '../../sessions/index.ts';
import { auditCtx, requireSession } from '../context.ts';
import { clearSessionCookie, SESSION_COOKIE } from '../plugins/auth.ts';
import { errorResponses, IdParam, SessionItem } from '../schemas.ts';

const Me = Type.Object({
  user: Type.Object({
    id: Type.String(),
    loginName: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()]),
    displayName: Type.String(),
    status: Type.String(),
    isAdmin: Type.Boolean(),
    passwordChangedAt: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
  }),
  session: Type.Object({
    id: Type.String(),
    interface: Type.String(),
    aal: Type.Integer(),
    factors: Type.Array(Type.Object({ method: Type.String(), at: Type.String() })),
    lastStrongAuthAt: Type.Union([Type.String(), Type.Null()], {
      description:
        'Last second-factor use (a remembered device never counts): what step-up freshness is measured from.',
    }),
    smsRestricted: Type.Boolean({
      description: 'The level rests on SMS: the highest-risk actions need step-up.',
    }),
    setup: Type.Boolean({
      description: 'A restricted set-up session: enrol a second factor before adding risk.',
    }),
    deviceId: Type.Union([Type.String(), Type.Null()]),
    csrfToken: Type.Optional(Type.String()),
  }),
});

/** The signed-in user: profile, password, logout, own sessions. */
export function meRoutes(services: Services): FastifyPluginAsyncTypebox {
  // The session cache hands out one frozen principal per session until it re-reads the session or its
  // user (docs/decisions/0003), so the view built from both can be kept for exactly as long.
  const views = new WeakMap<SessionPrincipal, string>();
  return async (app) => {
    app.get(
      '/me',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['me'],
          summary: 'The signed-in user and session',
          response: { 200: Me, ...errorResponses(401) },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        // A string with a JSON content type is sent as it is: the view is serialised once per principal.
        reply.type('application/json; charset=utf-8');
        const known = views.get(p);
        if (known) return reply.send(known as unknown as Static<typeof Me>);
        const user = toUser(await services.sessions.userOf(p));
        const cookie = req.cookies[SESSION_COOKIE];
        const strong = lastStrongAuthentication(p.factors);
        const view = {
          user,
          session: {
            id: p.sessionId,
            interface: p.interface,
            aal: p.aal,
            factors: p.factors.map((f) => ({ method: f.method, at: new Date(f.at).toISOString() })),
            lastStrongAuthAt: strong === null ? null : new Date(strong).toISOString(),
            smsRestricted: isSmsRestricted(p.factors),
            setup: p.aal < 2,
            deviceId: p.deviceId,
            ...(p.interface === 'portal' && cookie ? { csrfToken: SessionService.csrfTokenFor(cookie) } : {}),
          },
        };
        const json = JSON.stringify(view satisfies Static<typeof Me>);
        views.set(p, json);
        return reply.send(json as unknown as Static<typeof Me>);
      },
    );

    app.post(
      '/me/password',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['me'],
          summary: 'Change the password (needs the current one)',
          body: Type.Object(
            {
              currentPassword: Type.String({ minLength: 1, maxLength: 4096 }),
              newPassword: Type.String({ minLength: 1, maxLength: 4096 }),
              endOtherSessions: Type.Boolean({ default: true }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ endedSessions: Type.Integer() }),
            ...errorResponses(400, 401, 403, 422),
          },
        },
      },
      async (req) => services.identity.changePassword(requireSession(req).userId, req.body, auditCtx(req)),
    );

    app.post(
      '/logout',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['me'],
          summary: 'End the current session',
          response: { 204: Type.Null(), ...errorResponses(401, 403) },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        await services.sessions.revoke(
          p.sessionId,
          { userId: p.userId, isAdmin: false },
          'logout',
          auditCtx(req),
        );
        clearSessionCookie(reply);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/sessions',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['sessions'],
          summary: 'Own active sessions',
          response: { 200: Type.Object({ sessions: Type.Array(SessionItem) }), ...errorResponses(401) },
        },
      },
      async (req) => {
        const p = requireSession(req);
        return { sessions: await services.sessions.list(p.userId, p.sessionId) };
      },
    );

    app.delete(
      '/sessions/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['sessions'],
          summary: 'End one of your sessions',
          params: IdParam('id', 'ses'),
          response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        await services.sessions.revoke(
          req.params.id,
          { userId: p.userId, isAdmin: false },
          'user_revoked',
          auditCtx(req),
        );
        if (req.params.id === p.sessionId) clearSessionCookie(reply);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/sessions/revoke-all',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['sessions'],
          summary: 'Log out everywhere, optionally keeping this session',
          body: Type.Optional(
            Type.Object({ keepCurrent: Type.Boolean({ default: false }) }, { additionalProperties: false }),
          ),
          response: { 200: Type.Object({ ended: Type.Integer() }), ...errorResponses(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        const keep = req.body?.keepCurrent ?? false;
        const ended = await services.sessions.revokeAllForUser(
          p.userId,
          'logout_everywhere',
          auditCtx(req),
          keep ? p.sessionId : undefined,
        );
        if (!keep) clearSessionCookie(reply);
        return { ended };
      },
    );
  };
}
