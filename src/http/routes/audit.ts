import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AUDIT_EVENTS } from '../../audit/index.ts';
import type { Services } from '../../container.ts';
import { requirePrincipal } from '../context.ts';
import { errorResponses } from '../schemas.ts';

export const AuditEventSchema = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Type.String(),
  name: Type.String(),
  outcome: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  actorUserId: Type.Union([Type.String(), Type.Null()]),
  subjectUserId: Type.Union([Type.String(), Type.Null()]),
  interface: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  deviceId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  hash: Type.String(),
});

export const AuditQuerySchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    name: Type.Optional(Type.Union(AUDIT_EVENTS.map((n) => Type.Literal(n)))),
  },
  { additionalProperties: false },
);

/** A user reads the events they did or that concern them. */
export function auditRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit/events',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['audit'],
          summary: 'Your own audit events, newest first (page with `before`)',
          querystring: AuditQuerySchema,
          response: {
            200: Type.Object({ events: Type.Array(AuditEventSchema) }),
            ...errorResponses(400, 401),
          },
        },
      },
      async (req) => {
        const p = requirePrincipal(req);
        const q = req.query;
        return {
          events: await services.audit.query({
            userId: p.userId,
            limit: q.limit,
            ...(q.before !== undefined ? { beforeSeq: q.before } : {}),
            ...(q.name ? { name: q.name } : {}),
          }),
        };
      },
    );
  };
}
