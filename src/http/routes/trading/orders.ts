import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { AppError } from '../../../errors/index.ts';
import type { OrderRequest } from '../../../trading/orders.ts';
import { auditCtx, requirePrincipal } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import {
  AccountParams,
  DecimalText,
  IdempotencyHeaders,
  Order,
  OrderBody,
  OrderParams,
  parseDecimal,
  SymbolText,
} from './schemas.ts';

type Body = {
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  type: OrderRequest['type'];
  limitPrice?: string;
  stopPrice?: string;
  timeInForce?: OrderRequest['timeInForce'];
  reduceOnly?: boolean;
  clientOrderId?: string;
};

export function toRequest(b: Body): OrderRequest {
  return {
    symbol: b.symbol,
    side: b.side,
    type: b.type,
    quantity: parseDecimal(b.quantity, 'quantity'),
    timeInForce: b.timeInForce ?? 'day',
    ...(b.limitPrice === undefined ? {} : { limitPrice: parseDecimal(b.limitPrice, 'limitPrice') }),
    ...(b.stopPrice === undefined ? {} : { stopPrice: parseDecimal(b.stopPrice, 'stopPrice') }),
    ...(b.reduceOnly ? { reduceOnly: true } : {}),
  };
}

const Preview = Type.Object({
  accepted: Type.Boolean(),
  reducing: Type.Boolean(),
  denial: Type.Union([
    Type.Object({
      code: Type.String(),
      check: Type.String(),
      message: Type.String(),
      values: Type.Record(Type.String(), Type.String()),
    }),
    Type.Null(),
  ]),
});

/** Orders: list, place (idempotent), preview, read, modify, cancel, cancel-all. */
export function orderRoutes(services: Services): FastifyPluginAsyncTypebox {
  const orders = services.trading.orders;
  return async (app) => {
    app.get(
      '/accounts/:id/orders',
      {
        config: { auth: 'principal', credentialAction: 'orders.read' },
        schema: {
          tags: ['orders'],
          summary: 'Orders of the account, newest first',
          params: AccountParams,
          querystring: Type.Object(
            {
              status: Type.Union([Type.Literal('open'), Type.Literal('all')], { default: 'all' }),
              limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ orders: Type.Array(Order) }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => ({
        orders: await orders.list(requirePrincipal(req), req.params.id, req.query.status, req.query.limit),
      }),
    );

    app.post(
      '/accounts/:id/orders',
      {
        // The weaker action admits reduce-only credentials; the risk pipeline holds them to reducing orders.
        config: { auth: 'principal', credentialAction: 'order.place_reduce_only' },
        schema: {
          tags: ['orders'],
          summary: 'Place an order (Idempotency-Key header or clientOrderId)',
          params: AccountParams,
          headers: IdempotencyHeaders,
          body: OrderBody,
          response: { 201: Order, 200: Order, ...errorResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const header = req.headers['idempotency-key'];
        const key = typeof header === 'string' ? header : undefined;
        if (key !== undefined && req.body.clientOrderId !== undefined && key !== req.body.clientOrderId) {
          throw new AppError('VALIDATION_FAILED', {
            details: {
              issues: [
                { in: 'body', path: '/clientOrderId', message: 'differs from the Idempotency-Key header' },
              ],
            },
          });
        }
        const { order, replayed } = await orders.place(
          requirePrincipal(req),
          req.params.id,
          toRequest(req.body),
          key ?? req.body.clientOrderId,
          auditCtx(req),
        );
        return reply.code(replayed ? 200 : 201).send(order);
      },
    );

    app.post(
      '/accounts/:id/orders/preview',
      {
        config: { auth: 'principal', credentialAction: 'order.place_reduce_only' },
        schema: {
          tags: ['orders'],
          summary: 'The risk decision for an order, without sending it',
          params: AccountParams,
          body: OrderBody,
          response: { 200: Preview, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req) => {
        const r = await orders.preview(requirePrincipal(req), req.params.id, toRequest(req.body));
        return { accepted: r.ok, reducing: r.reducing, denial: r.ok ? null : r.denial };
      },
    );

    app.post(
      '/accounts/:id/orders/cancel-all',
      {
        config: { auth: 'principal', credentialAction: 'order.cancel' },
        schema: {
          tags: ['orders'],
          summary: 'Cancel every open order (optionally of one symbol); never step-up',
          params: AccountParams,
          body: Type.Optional(
            Type.Object({ symbol: Type.Optional(SymbolText) }, { additionalProperties: false }),
          ),
          response: {
            200: Type.Object({ cancelled: Type.Integer() }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => ({
        cancelled: await orders.cancelAll(
          requirePrincipal(req),
          req.params.id,
          req.body?.symbol,
          auditCtx(req),
        ),
      }),
    );

    app.get(
      '/accounts/:id/orders/:orderId',
      {
        config: { auth: 'principal', credentialAction: 'orders.read' },
        schema: {
          tags: ['orders'],
          summary: 'One order',
          params: OrderParams,
          response: { 200: Order, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req) => orders.get(requirePrincipal(req), req.params.id, req.params.orderId),
    );

    app.patch(
      '/accounts/:id/orders/:orderId',
      {
        config: { auth: 'principal', credentialAction: 'order.place' },
        schema: {
          tags: ['orders'],
          summary: 'Modify quantity or limit price of an open order (runs the risk checks again)',
          params: OrderParams,
          body: Type.Object(
            { quantity: Type.Optional(DecimalText), limitPrice: Type.Optional(DecimalText) },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Order, ...errorResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req) =>
        orders.modify(
          requirePrincipal(req),
          req.params.id,
          req.params.orderId,
          {
            ...(req.body.quantity === undefined
              ? {}
              : { quantity: parseDecimal(req.body.quantity, 'quantity') }),
            ...(req.body.limitPrice === undefined
              ? {}
              : { limitPrice: parseDecimal(req.body.limitPrice, 'limitPrice') }),
          },
          auditCtx(req),
        ),
    );

    app.delete(
      '/accounts/:id/orders/:orderId',
      {
        config: { auth: 'principal', credentialAction: 'order.cancel' },
        schema: {
          tags: ['orders'],
          summary: 'Cancel an open order; never step-up, allowed in every trading state',
          params: OrderParams,
          response: { 200: Order, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req) => orders.cancel(requirePrincipal(req), req.params.id, req.params.orderId, auditCtx(req)),
    );
  };
}
