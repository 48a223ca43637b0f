import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { auditCtx, requirePrincipal, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { AccountParams, Amount, SymbolText } from './schemas.ts';

const FlattenResult = Type.Object({
  symbol: Type.String(),
  quantity: Type.String(),
  orderId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
});
const Limits = Type.Object({
  maxOrderNotional: Type.String(),
  maxOpenOrders: Type.Integer(),
  dailyLossLimit: Type.String(),
  maxOrdersPerSecond: Type.Integer(),
});

/** Flatten, kill switch, unfreeze and limits. */
export function controlRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { trading } = services;
  return async (app) => {
    app.post(
      '/accounts/:id/flatten',
      {
        config: { auth: 'principal', credentialAction: 'position.flatten' },
        schema: {
          tags: ['risk'],
          summary:
            'Close one or every position with market orders; allowed in every trading state, never step-up',
          params: AccountParams,
          body: Type.Optional(
            Type.Object({ symbol: Type.Optional(SymbolText) }, { additionalProperties: false }),
          ),
          response: {
            200: Type.Object({ results: Type.Array(FlattenResult) }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => ({
        results: await trading.orders.flatten(
          requirePrincipal(req),
          req.params.id,
          req.body?.symbol,
          auditCtx(req),
        ),
      }),
    );

    app.post(
      '/accounts/:id/kill-switch',
      {
        config: { auth: 'principal', credentialAction: 'account.kill_switch' },
        schema: {
          tags: ['risk'],
          summary: 'Halt the account, cancel every open order, suspend its credentials; optionally flatten',
          params: AccountParams,
          body: Type.Optional(
            Type.Object({ flatten: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          ),
          response: {
            200: Type.Object({
              tradingState: Type.String(),
              cancelledOrders: Type.Integer(),
              listenerFailures: Type.Integer(),
              flattened: Type.Union([Type.Array(FlattenResult), Type.Null()]),
            }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) =>
        trading.killSwitch(
          req.params.id,
          requirePrincipal(req),
          { flatten: req.body?.flatten === true },
          auditCtx(req),
        ),
    );

    app.post(
      '/accounts/:id/reduce-only',
      {
        config: { auth: 'principal', credentialAction: 'account.kill_switch' },
        schema: {
          tags: ['risk'],
          summary: 'Move the account to REDUCING: only orders that shrink a position pass; never step-up',
          params: AccountParams,
          response: {
            200: Type.Object({ tradingState: Type.String() }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => ({
        tradingState: await trading.control.reduceOnly(req.params.id, requirePrincipal(req), auditCtx(req)),
      }),
    );

    app.post(
      '/accounts/:id/unfreeze',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['risk'],
          summary: 'Resume trading after a halt (owner, step-up, after the cool-down)',
          params: AccountParams,
          response: {
            200: Type.Object({ tradingState: Type.String() }),
            ...errorResponses(400, 401, 403, 404, 409),
          },
        },
      },
      async (req) => {
        await trading.control.unfreeze(req.params.id, requireSession(req), auditCtx(req));
        return { tradingState: 'ACTIVE' };
      },
    );

    app.get(
      '/accounts/:id/limits',
      {
        config: { auth: 'principal', credentialAction: 'account.read' },
        schema: {
          tags: ['risk'],
          summary: 'The account’s risk limits',
          params: AccountParams,
          response: { 200: Limits, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req) => trading.control.getLimits(requirePrincipal(req), req.params.id),
    );

    app.put(
      '/accounts/:id/limits',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['risk'],
          summary: 'Set limits: tightening applies at once, loosening needs step-up',
          params: AccountParams,
          body: Type.Object(
            {
              maxOrderNotional: Type.Optional(Amount),
              maxOpenOrders: Type.Optional(Type.Integer({ minimum: 0, maximum: 20000 })),
              dailyLossLimit: Type.Optional(Amount),
              maxOrdersPerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Limits, ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (req) => trading.control.setLimits(requireSession(req), req.params.id, req.body, auditCtx(req)),
    );
  };
}
