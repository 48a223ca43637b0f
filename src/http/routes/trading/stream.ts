import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { requirePrincipal } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { AccountParams } from './schemas.ts';

/** The account event stream (SSE). */
export function streamRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { trading } = services;
  return async (app) => {
    app.get(
      '/accounts/:id/stream',
      {
        config: { auth: 'principal', credentialAction: 'account.read' },
        schema: {
          tags: ['accounts'],
          summary: 'Server-sent events: orders, fills, trading-state changes, kill switch',
          params: AccountParams,
          response: {
            200: Type.String({ description: 'text/event-stream' }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req, reply) => {
        await trading.accounts.access(requirePrincipal(req), req.params.id);
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-request-id': req.id,
        });
        raw.write(`event: ready\ndata: {"accountId":"${req.params.id}"}\n\n`);
        const unsubscribe = trading.hub.subscribe(req.params.id, (e) => {
          raw.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
        });
        const ping = setInterval(() => raw.write(': ping\n\n'), 15_000);
        ping.unref();
        req.raw.on('close', () => {
          clearInterval(ping);
          unsubscribe();
        });
      },
    );
  };
}
