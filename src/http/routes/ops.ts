import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import { Type } from 'typebox';
import type { Services } from '../../container.ts';
import { AppError } from '../../errors/index.ts';
import { errorResponses } from '../schemas.ts';

export interface Readiness {
  shuttingDown: boolean;
}

/** Liveness, readiness, metrics. */
export function opsRoutes(
  services: Services,
  registry: Registry,
  readiness: Readiness,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        schema: {
          tags: ['operations'],
          summary: 'Liveness',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    );
    app.get(
      '/readyz',
      {
        schema: {
          tags: ['operations'],
          summary: 'Readiness: the database answers and the node is not shutting down',
          response: {
            200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
            ...errorResponses(503),
          },
        },
      },
      async () => {
        if (readiness.shuttingDown)
          throw new AppError('NOT_READY', { message: 'The node is shutting down.' });
        try {
          await services.store.ping();
        } catch {
          throw new AppError('NOT_READY', { message: 'The database is not reachable.' });
        }
        return { status: 'ready' as const, database: services.store.kind };
      },
    );
    app.get(
      '/metrics',
      { schema: { tags: ['operations'], summary: 'Prometheus metrics (text format)' } },
      async (_req, reply) => {
        reply.header('content-type', registry.contentType);
        return registry.metrics();
      },
    );
  };
}
