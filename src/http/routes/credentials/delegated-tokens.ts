import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { enforceSession } from './fresh-session.ts';
import { DelegatedToken, NewToken, TokenIdParam } from './schemas.ts';

const tags = ['delegated-tokens'];

/** Short-lived tokens a person mints for a bot (fresh AAL2 session), listed and revoked by their owner. */
export function delegatedTokenRoutes(services: Services): FastifyPluginAsyncTypebox {
  const tokens = services.credentials.tokens;
  return async (app) => {
    app.post(
      '/delegated-tokens',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Mint a delegated token (at most 24 h; optionally bound to one of your API keys)',
          body: NewToken,
          response: {
            201: Type.Object({ token: Type.String(), delegatedToken: DelegatedToken }),
            ...errorResponses(400, 401, 403, 404, 409),
          },
        },
      },
      async (req, reply) => {
        const session = await enforceSession(services, req, 'add_api_key');
        const b = req.body;
        const minted = await tokens.mint(
          session.userId,
          { scopes: b.scopes, constraints: b.constraints, ttlSeconds: b.ttlSeconds, apiKeyId: b.apiKeyId },
          auditCtx(req),
        );
        return reply.status(201).send({ token: minted.token, delegatedToken: minted.view });
      },
    );

    app.get(
      '/delegated-tokens',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Your unexpired delegated tokens',
          response: { 200: Type.Object({ tokens: Type.Array(DelegatedToken) }), ...errorResponses(401, 403) },
        },
      },
      async (req) => ({
        tokens: await tokens.list(requireSession(req).userId),
      }),
    );

    app.delete(
      '/delegated-tokens/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Revoke a delegated token on every node',
          params: TokenIdParam,
          response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
        },
      },
      async (req, reply) => {
        const session = await enforceSession(services, req, 'revoke_credential');
        await tokens.revoke(session.userId, req.params.id, auditCtx(req));
        return reply.status(204).send(null);
      },
    );
  };
}
