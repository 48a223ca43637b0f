import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` writes the portal (`/`) and the mobile app (`/m/`). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * Serves the built front ends. One route per built file (`wildcard: false`),
 * so API paths never fall into a static catch-all and unknown paths keep the
 * API's 404 answer. Hidden from the OpenAPI document. Without a build (unit
 * tests that never ran `build:web`), `/` says how to build it.
 */
export function webRoutes(root: string = WEB_DIST) {
  return async (app: FastifyInstance): Promise<void> => {
    if (!existsSync(`${root}/index.html`)) {
      app.get('/', { schema: { hide: true } }, async (_req, reply) =>
        reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send('The web app is not built. Run `npm run build:web` (npm start does it for you).\n'),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      index: ['index.html'],
      schemaHide: true,
      // The service's onSend hook marks every answer no-store; hashed assets stay correct either way.
      cacheControl: false,
      etag: true,
      lastModified: false,
    });
    app.get('/m', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/m/', 308));
  };
}
