import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { type AccountAccess, REQUESTABLE_PRODUCTS } from '../../../accounts/service.ts';
import type { Services } from '../../../container.ts';
import { averagePrice, valuePosition } from '../../../risk/positions.ts';
import type { AccountBook } from '../../../trading/books.ts';
import { Decimal } from '../../../trading/decimal.ts';
import { auditCtx, requirePrincipal, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { AccountParams } from './schemas.ts';

const Balances = Type.Object({
  cash: Type.String(),
  equity: Type.String(),
  availableFunds: Type.String(),
  buyingPower: Type.String(),
  reservedForOrders: Type.String(),
  initialMargin: Type.String(),
  unrealisedPnl: Type.String(),
  withdrawalHold: Type.String(),
});
const AccountSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  entity: Type.Object({ id: Type.String(), name: Type.String(), region: Type.String() }),
  kind: Type.String(),
  accountType: Type.String(),
  baseCurrency: Type.String(),
  status: Type.String(),
  environment: Type.String(),
  tradingState: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
});
const AccountDetail = Type.Intersect([
  AccountSummary,
  Type.Object({
    balances: Balances,
    permissions: Type.Object({
      stocks: Type.Boolean(),
      options: Type.Integer(),
      futures: Type.Boolean(),
      forex: Type.Boolean(),
      forecast: Type.Boolean(),
    }),
    subscriptions: Type.Array(Type.String()),
    openOrders: Type.Integer(),
  }),
]);
const Position = Type.Object({
  symbol: Type.String(),
  quantity: Type.String(),
  averagePrice: Type.Union([Type.String(), Type.Null()]),
  mark: Type.String(),
  unrealisedPnl: Type.String(),
  realisedPnl: Type.String(),
  initialMargin: Type.String(),
});

export function summary(a: Pick<AccountAccess, 'account' | 'role'>, services: Services) {
  const entity = services.trading.accounts.entity(a.account.entityId);
  return {
    id: a.account.id,
    name: a.account.name,
    role: a.role,
    entity: { id: entity.id, name: entity.name, region: entity.region },
    kind: a.account.kind,
    accountType: a.account.accountType,
    baseCurrency: a.account.baseCurrency,
    status: a.account.status,
    environment: a.account.environment,
    tradingState: a.account.tradingState,
    parentId: a.account.parentId,
  };
}

export function balances(book: AccountBook) {
  const t = book.state.totals();
  const available = book.state.availableFunds();
  const positive = available.isNegative() ? Decimal.ZERO : available;
  return {
    cash: t.cash.toString(),
    equity: t.equity.toString(),
    availableFunds: available.toString(),
    buyingPower: (book.account.accountType === 'margin'
      ? positive.mul(Decimal.from(2))
      : positive
    ).toString(),
    reservedForOrders: t.reserved.toFixed(2),
    initialMargin: t.margin.toString(),
    unrealisedPnl: t.unrealised.toString(),
    withdrawalHold: book.ledger.balance('withdrawal_hold').toString(),
  };
}

/** Accounts the caller holds a role on, one account's detail, and its positions. */
export function accountRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { trading } = services;
  return async (app) => {
    app.get(
      '/accounts',
      {
        config: { auth: 'principal', credentialAction: 'account.read' },
        schema: {
          tags: ['accounts'],
          summary: 'Accounts the caller has a role on',
          response: {
            200: Type.Object({ accounts: Type.Array(AccountSummary) }),
            ...errorResponses(401, 403),
          },
        },
      },
      async (req) => {
        const list = await trading.accounts.listFor(requirePrincipal(req));
        return { accounts: list.map((a) => summary(a, services)) };
      },
    );

    app.get(
      '/accounts/:id',
      {
        config: { auth: 'principal', credentialAction: 'account.read' },
        schema: {
          tags: ['accounts'],
          summary: 'Balances, buying power, trading state and permissions',
          params: AccountParams,
          response: { 200: AccountDetail, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req) => {
        const access = await trading.accounts.access(requirePrincipal(req), req.params.id);
        const book = await trading.orders.book(req.params.id);
        return {
          ...summary({ account: book.account, role: access.role }, services),
          balances: balances(book),
          permissions: book.account.permissions,
          subscriptions: book.account.subscriptions,
          openOrders: book.open.size,
        };
      },
    );

    app.get(
      '/accounts/:id/positions',
      {
        config: { auth: 'principal', credentialAction: 'account.read' },
        schema: {
          tags: ['accounts'],
          summary: 'Positions with average cost and P&L',
          params: AccountParams,
          response: {
            200: Type.Object({ positions: Type.Array(Position) }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req) => {
        await trading.accounts.access(requirePrincipal(req), req.params.id);
        const book = await trading.orders.book(req.params.id);
        const positions = book.state.positions().map((p) => {
          const instrument = trading.catalogue.get(p.symbol)!;
          return {
            symbol: p.symbol,
            quantity: p.quantity.toString(),
            averagePrice: averagePrice(p, 8)?.toString() ?? null,
            mark: p.mark.toString(),
            unrealisedPnl: valuePosition(instrument, p, p.mark).unrealised.toString(),
            realisedPnl: (book.realised.get(p.symbol) ?? Decimal.ZERO).toString(),
            initialMargin: p.margin.toString(),
          };
        });
        return { positions };
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
              product: Type.Union(REQUESTABLE_PRODUCTS.map((p) => Type.Literal(p))),
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
      async (req, reply) =>
        reply
          .code(202)
          .send(
            await trading.accounts.requestPermission(
              requireSession(req),
              req.params.id,
              req.body,
              auditCtx(req),
            ),
          ),
    );
  };
}
