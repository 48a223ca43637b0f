import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { AppError } from '../../../errors/index.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { AccountParams, Amount, parseDecimal } from './schemas.ts';

const Payee = Type.Object({
  id: Type.String(),
  name: Type.String(),
  destination: Type.String(),
  currency: Type.String(),
  holdUntil: Type.String(),
  onHold: Type.Boolean(),
  createdAt: Type.String(),
});
const Withdrawal = Type.Object({
  id: Type.String(),
  payeeId: Type.String(),
  amount: Type.String(),
  currency: Type.String(),
  status: Type.String(),
  approvalId: Type.Union([Type.String(), Type.Null()]),
  approvalNumber: Type.Optional(
    Type.Integer({ description: 'show it: the phone must pick the same number' }),
  ),
  factor: Type.String(),
  releaseAt: Type.String(),
  createdAt: Type.String(),
});

const WithdrawalLimits = Type.Object({
  currency: Type.String(),
  factor: Type.String({ description: "the session's strongest factor tier" }),
  limit: Type.String(),
  usedToday: Type.String(),
  remainingToday: Type.String(),
  available: Type.String({ description: 'free cash that can leave the account' }),
  approvalAbove: Type.String({ description: 'from this amount the phone must approve' }),
  byFactor: Type.Record(Type.String(), Type.String()),
});

/** Payees and withdrawals: a person's session only, owners only. */
export function fundsRoutes(services: Services): FastifyPluginAsyncTypebox {
  const funds = services.trading.funds;
  return async (app) => {
    app.get(
      '/accounts/:id/payees',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['funds'],
          summary: 'Payees',
          params: AccountParams,
          response: {
            200: Type.Object({ payees: Type.Array(Payee) }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => ({ payees: await funds.listPayees(requireSession(req), req.params.id) }),
    );

    app.post(
      '/accounts/:id/payees',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['funds'],
          summary: 'Add a payee (step-up; starts a hold; every device is told)',
          params: AccountParams,
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 100 }),
              destination: Type.String({
                pattern: '^[A-Z0-9]{8,34}$',
                description: 'IBAN or account number',
              }),
              currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Payee, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(
          await funds.addPayee(
            requireSession(req),
            req.params.id,
            {
              name: req.body.name,
              destination: req.body.destination,
              currency: req.body.currency ?? 'USD',
            },
            auditCtx(req),
          ),
        ),
    );

    app.get(
      '/accounts/:id/withdrawal-limits',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['funds'],
          summary: "Today's withdrawal limit for this session's strongest factor, before submitting",
          params: AccountParams,
          response: { 200: WithdrawalLimits, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req) => funds.withdrawalLimits(requireSession(req), req.params.id),
    );

    app.get(
      '/accounts/:id/withdrawals',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['funds'],
          summary: 'Withdrawals',
          params: AccountParams,
          response: {
            200: Type.Object({ withdrawals: Type.Array(Withdrawal) }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => ({ withdrawals: await funds.listWithdrawals(requireSession(req), req.params.id) }),
    );

    app.post(
      '/accounts/:id/withdrawals',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['funds'],
          summary: 'Request a withdrawal (202 when a second approval is pending)',
          params: AccountParams,
          body: Type.Object(
            { payeeId: Type.String({ pattern: '^pay_[A-Za-z0-9_-]{22}$' }), amount: Amount },
            { additionalProperties: false },
          ),
          response: { 201: Withdrawal, 202: Withdrawal, ...errorResponses(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req, reply) => {
        const amount = parseDecimal(req.body.amount, 'amount');
        if (!amount.isPositive()) throw new AppError('INVALID_DECIMAL', { details: { field: 'amount' } });
        const w = await funds.requestWithdrawal(
          requireSession(req),
          req.params.id,
          { payeeId: req.body.payeeId, amount },
          auditCtx(req),
        );
        return reply.code(w.status === 'pending_approval' ? 202 : 201).send(w);
      },
    );

    app.post(
      '/accounts/:id/withdrawals/:withdrawalId/cancel',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['funds'],
          summary: 'Cancel a withdrawal during its delay window',
          params: Type.Object({
            id: AccountParams.properties.id,
            withdrawalId: Type.String({ pattern: '^wdr_[A-Za-z0-9_-]{22}$' }),
          }),
          response: { 200: Withdrawal, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req) =>
        funds.cancelWithdrawal(requireSession(req), req.params.id, req.params.withdrawalId, auditCtx(req)),
    );
  };
}
