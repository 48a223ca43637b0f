import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireRole } from '../../../accounts/service.ts';
import type { Services } from '../../../container.ts';
import { AppError } from '../../../errors/index.ts';
import { newId } from '../../../store/ids.ts';
import { enforce } from '../../../trading/ports.ts';
import { auditCtx, requirePrincipal, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { AccountParams } from './schemas.ts';

const PRODUCTS = ['stocks', 'options', 'futures', 'forex', 'forecast', 'margin'] as const;
const PRODUCT_CLASS: Record<(typeof PRODUCTS)[number], string | null> = {
  stocks: 'stock',
  options: 'option',
  futures: 'future',
  forex: 'forex',
  forecast: 'forecast',
  margin: null,
};

/** The account event stream (SSE) and product-permission requests. */
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

    app.post(
      '/accounts/:id/permissions',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['accounts'],
          summary: 'Request a product permission (fresh AAL2; recorded for review)',
          params: AccountParams,
          body: Type.Object(
            {
              product: Type.Union(PRODUCTS.map((p) => Type.Literal(p))),
              level: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
            },
            { additionalProperties: false },
          ),
          response: {
            202: Type.Object({ id: Type.String(), status: Type.String() }),
            ...errorResponses(400, 401, 403, 404, 422),
          },
        },
      },
      async (req, reply) => {
        const principal = requireSession(req);
        const access = await trading.accounts.access(principal, req.params.id);
        requireRole(access, ['owner'], 'request_permission');
        const cls = PRODUCT_CLASS[req.body.product];
        if (cls !== null && !(access.entity.products as readonly string[]).includes(cls)) {
          throw new AppError('PRODUCT_NOT_OFFERED', {
            details: { product: req.body.product, entity: access.entity.id },
          });
        }
        await enforce(
          trading.ports,
          principal,
          'request_permission',
          { accountId: req.params.id },
          auditCtx(req),
        );
        const id = newId('prq');
        await trading.accounts.repo.recordPermissionRequest({
          id,
          accountId: req.params.id,
          userId: principal.userId,
          product: req.body.product,
          level: req.body.level ?? null,
          at: services.now(),
        });
        await services.audit.record({
          ...auditCtx(req),
          name: 'permission.requested',
          outcome: 'success',
          data: { accountId: req.params.id, product: req.body.product, level: req.body.level ?? null },
        });
        return reply.code(202).send({ id, status: 'pending_review' });
      },
    );
  };
}
