import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Feed } from '../../../accounts/model.ts';
import type { Services } from '../../../container.ts';
import { AppError } from '../../../errors/index.ts';
import type { Instrument } from '../../../trading/instruments.ts';
import { requirePrincipal } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { SymbolText } from './schemas.ts';

const InstrumentView = Type.Object({
  symbol: Type.String(),
  name: Type.String(),
  assetClass: Type.String(),
  currency: Type.String(),
  multiplier: Type.String(),
  tickSize: Type.String(),
  lotSize: Type.String(),
  feed: Type.String(),
});
const QuoteView = Type.Object({
  symbol: Type.String(),
  bid: Type.String(),
  ask: Type.String(),
  bidSize: Type.Optional(
    Type.String({ description: 'Displayed size at the bid (the paper venue fills up to it).' }),
  ),
  askSize: Type.Optional(Type.String({ description: 'Displayed size at the ask.' })),
  last: Type.String(),
  at: Type.String(),
  delayed: Type.Boolean(),
});

export function feedOf(i: Instrument): Feed {
  switch (i.assetClass) {
    case 'stock':
    case 'etf':
      return 'us_equities';
    case 'option':
      return 'us_options';
    case 'future':
      return 'cme_futures';
    case 'forex':
      return 'fx';
    case 'forecast':
      return 'forecast';
  }
}

/** How far behind an unsubscribed quote is served. */
const DELAY_MS = 15 * 60_000;

/** The instrument catalogue and quotes (delayed unless one of the caller's accounts subscribes to the feed). */
export function marketRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { trading } = services;
  const delayed = new Map<string, { at: number; quote: ReturnType<typeof trading.feed.getQuote> }[]>();
  trading.feed.subscribe(
    trading.catalogue.all().map((i) => i.symbol),
    (q) => {
      const ring = delayed.get(q.symbol) ?? [];
      ring.push({ at: q.at, quote: q });
      while (ring.length > 1 && ring[1]!.at <= q.at - DELAY_MS) ring.shift();
      delayed.set(q.symbol, ring);
    },
  );
  return async (app) => {
    app.get(
      '/instruments',
      {
        config: { auth: 'principal', credentialAction: 'market_data.read' },
        schema: {
          tags: ['market'],
          summary: 'The instrument catalogue',
          querystring: Type.Object(
            {
              assetClass: Type.Optional(
                Type.Union(
                  ['stock', 'etf', 'option', 'future', 'forex', 'forecast'].map((c) => Type.Literal(c)),
                ),
              ),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ instruments: Type.Array(InstrumentView) }),
            ...errorResponses(400, 401, 403),
          },
        },
      },
      async (req) => {
        const all = trading.catalogue
          .all()
          .filter((i) => !req.query.assetClass || i.assetClass === req.query.assetClass);
        return {
          instruments: all.map((i) => ({
            symbol: i.symbol,
            name: i.name,
            assetClass: i.assetClass,
            currency: i.currency,
            multiplier: i.multiplier.toString(),
            tickSize: i.tickSize.toString(),
            lotSize: i.lotSize.toString(),
            feed: feedOf(i),
          })),
        };
      },
    );

    app.get(
      '/quotes/stream',
      {
        config: { auth: 'principal', credentialAction: 'market_data.read' },
        schema: {
          tags: ['market'],
          summary: 'Server-sent quotes of up to 50 symbols (real time only for subscribed feeds)',
          querystring: Type.Object(
            {
              symbols: Type.String({
                pattern: '^[A-Z0-9][A-Z0-9.-]{0,31}(,[A-Z0-9][A-Z0-9.-]{0,31}){0,49}$',
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.String({ description: 'text/event-stream' }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (req, reply) => {
        const symbols = [...new Set(req.query.symbols.split(','))];
        const unknown = symbols.filter((s) => !trading.catalogue.has(s));
        if (unknown.length > 0) throw new AppError('INSTRUMENT_NOT_FOUND', { details: { symbols: unknown } });
        const accounts = await trading.accounts.listFor(requirePrincipal(req));
        const live = symbols.filter((s) =>
          accounts.some((a) => a.account.subscriptions.includes(feedOf(trading.catalogue.get(s)!))),
        );
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          'x-request-id': req.id,
        });
        raw.write(
          `event: ready\ndata: ${JSON.stringify({ live, delayed: symbols.filter((s) => !live.includes(s)) })}\n\n`,
        );
        // Unsubscribed feeds are not streamed live: poll GET /quotes/{symbol} for their delayed quote.
        const unsubscribe =
          live.length > 0
            ? trading.feed.subscribe(live, (q) => {
                const data = {
                  symbol: q.symbol,
                  bid: q.bid,
                  ask: q.ask,
                  ...(q.bidSize && { bidSize: q.bidSize }),
                  ...(q.askSize && { askSize: q.askSize }),
                  last: q.last,
                  at: new Date(q.at).toISOString(),
                };
                raw.write(`event: quote\ndata: ${JSON.stringify(data)}\n\n`);
              })
            : () => {};
        req.raw.on('close', unsubscribe);
      },
    );

    app.get(
      '/quotes/:symbol',
      {
        config: { auth: 'principal', credentialAction: 'market_data.read' },
        schema: {
          tags: ['market'],
          summary: 'The latest quote (marked delayed without a subscription to its feed)',
          params: Type.Object({ symbol: SymbolText }),
          response: { 200: QuoteView, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (req) => {
        const instrument = trading.catalogue.get(req.params.symbol);
        const live = trading.feed.getQuote(req.params.symbol);
        if (!instrument || !live) throw new AppError('INSTRUMENT_NOT_FOUND');
        const accounts = await trading.accounts.listFor(requirePrincipal(req));
        const subscribed = accounts.some((a) => a.account.subscriptions.includes(feedOf(instrument)));
        const q = subscribed ? live : (delayed.get(instrument.symbol)?.[0]?.quote ?? live);
        return {
          symbol: q!.symbol,
          bid: q!.bid.toString(),
          ask: q!.ask.toString(),
          ...(q!.bidSize && { bidSize: q!.bidSize.toString() }),
          ...(q!.askSize && { askSize: q!.askSize.toString() }),
          last: q!.last.toString(),
          at: new Date(q!.at).toISOString(),
          delayed: !subscribed,
        };
      },
    );
  };
}
