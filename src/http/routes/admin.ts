import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../container.ts';
import { AppError } from '../../errors/index.ts';
import { toUser } from '../../identity/index.ts';
import { auditCtx, requirePrincipal } from '../context.ts';
import { errorResponses, IdParam, SessionItem } from '../schemas.ts';
import { AuditEventSchema, AuditQuerySchema } from './audit.ts';

const UserSchema = Type.Object({
  id: Type.String(),
  loginName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.String(),
  status: Type.String(),
  isAdmin: Type.Boolean(),
  passwordChangedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

const UserId = IdParam('id', 'usr');
const Reason = Type.Optional(
  Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
);

/** Operator actions; every route needs an administrator's session. */
export function adminRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    const admin = { auth: 'admin' as const };

    app.get(
      '/admin/users',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'List users',
          querystring: Type.Object(
            {
              limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
              after: Type.Optional(Type.String({ maxLength: 64 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ users: Type.Array(UserSchema) }), ...errorResponses(400, 401, 403) },
        },
      },
      async (req) => ({
        users: (await services.identity.users.list(req.query.limit, req.query.after)).map(toUser),
      }),
    );

    for (const [action, status] of [
      ['lock', 'locked'],
      ['unlock', 'active'],
      ['disable', 'disabled'],
      ['enable', 'active'],
    ] as const) {
      app.post(
        `/admin/users/:id/${action}`,
        {
          config: admin,
          schema: {
            tags: ['admin'],
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} a user`,
            params: UserId,
            body: Reason,
            response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404) },
          },
        },
        async (req) => {
          const p = requirePrincipal(req);
          if (req.params.id === p.userId && status !== 'active') {
            throw new AppError('FORBIDDEN', { message: 'Administrators cannot lock or disable themselves.' });
          }
          return services.identity.setStatus(
            req.params.id,
            status,
            req.body?.reason ?? `admin_${action}`,
            auditCtx(req),
          );
        },
      );
    }

    app.get(
      '/admin/sessions',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Active sessions of one user or of everyone',
          querystring: Type.Object(
            { userId: Type.Optional(Type.String({ maxLength: 64 })) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ sessions: Type.Array(SessionItem) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (req) => ({ sessions: await services.sessions.list(req.query.userId) }),
    );

    app.delete(
      '/admin/sessions/:id',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'End any session',
          params: IdParam('id', 'ses'),
          response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const p = requirePrincipal(req);
        await services.sessions.revoke(
          req.params.id,
          { userId: p.userId, isAdmin: true },
          'admin_revoked',
          auditCtx(req),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/admin/audit/events',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'All audit events, newest first',
          querystring: Type.Object(
            { ...AuditQuerySchema.properties, userId: Type.Optional(Type.String({ maxLength: 64 })) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ events: Type.Array(AuditEventSchema) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (req) => {
        const q = req.query;
        return {
          events: await services.audit.query({
            limit: q.limit,
            ...(q.userId ? { userId: q.userId } : {}),
            ...(q.before !== undefined ? { beforeSeq: q.before } : {}),
            ...(q.name ? { name: q.name } : {}),
          }),
        };
      },
    );

    app.post(
      '/admin/audit/verify',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Recompute the audit hash chain',
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              checked: Type.Integer(),
              headSeq: Type.Optional(Type.Integer()),
              brokenAt: Type.Optional(Type.Integer()),
              reason: Type.Optional(Type.String()),
            }),
            ...errorResponses(401, 403),
          },
        },
      },
      async (req) => {
        const result = await services.audit.verify();
        await services.audit.record({
          ...auditCtx(req),
          name: 'audit.verified',
          outcome: result.ok ? 'success' : 'failure',
          data: { checked: result.checked },
        });
        return result;
      },
    );
  };
}
