import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { enforceSession } from './fresh-session.ts';

const tags = ['oauth'];
const Grant = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  scopes: Type.Array(Type.String()),
  accounts: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Connected third-party apps: listed and disconnected by their person. */
export function oauthGrantRoutes(services: Services): FastifyPluginAsyncTypebox {
  const grants = services.credentials.oauthGrants;
  return async (app) => {
    app.get(
      '/oauth-grants',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Apps you connected through OAuth',
          response: { 200: Type.Object({ grants: Type.Array(Grant) }), ...errorResponses(401, 403) },
        },
      },
      async (req) => ({ grants: await grants.list(requireSession(req).userId) }),
    );

    app.delete(
      '/oauth-grants/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Disconnect an app: its access and refresh tokens die at once',
          params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
          response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
        },
      },
      async (req, reply) => {
        const session = await enforceSession(services, req, 'revoke_credential');
        await grants.revoke(session.userId, req.params.id, auditCtx(req));
        return reply.status(204).send(null);
      },
    );
  };
}
