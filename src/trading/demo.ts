/**
 * The demo customer's paper account: USD 1,000,000 under the US entity, a few
 * positions bought at the simulated ask, and a few resting orders, so a
 * newcomer has something real to look at. Positions are seeded as venue fills
 * (ledger and positions stay consistent); orders go through the normal path
 * where the market is open, else they rest as GTC orders on always-open
 * forecast contracts.
 */

import type { AccountRecord } from '../accounts/model.ts';
import type { AuditContext } from '../audit/index.ts';
import { Decimal, dec } from './decimal.ts';
import type { OrderRequest } from './orders.ts';
import type { TradingServices } from './wire.ts';

const SEED_POSITIONS: readonly [string, string][] = [
  ['AAPL', '100'],
  ['MSFT', '50'],
  ['SPY', '40'],
  ['FEDCUT-27MAR', '1000'],
];

export async function seedDemoAccount(
  trading: TradingServices,
  userId: string,
  ctx: AuditContext,
): Promise<AccountRecord> {
  const account = await trading.accounts.open(
    {
      ownerUserId: userId,
      entityId: 'ent_us',
      name: 'Demo paper account',
      accountType: 'margin',
      permissions: { stocks: true, options: 2, futures: true, forex: true, forecast: true },
      subscriptions: ['us_equities', 'us_options', 'cme_futures', 'fx', 'forecast'],
    },
    ctx,
  );
  await trading.funds.deposit(account.id, dec('1000000'), ctx);
  const book = await trading.orders.book(account.id);
  const caller = { userId, actor: { role: 'owner' as const } };
  const tick = (symbol: string) => trading.catalogue.get(symbol)!.tickSize;
  for (const [symbol, qty] of SEED_POSITIONS) {
    const ask = trading.feed.getQuote(symbol)!.ask;
    const order: OrderRequest = {
      symbol,
      side: 'buy',
      type: 'market',
      quantity: dec(qty),
      timeInForce: 'day',
    };
    // The venue seeds the fill even when the market is closed: it is the account's opening state.
    await trading.engine.seedFill(book, caller, order, ask, ctx);
  }
  const resting: OrderRequest[] = [
    restingBuy(
      'FEDCUT-27MAR',
      '500',
      trading.feed.getQuote('FEDCUT-27MAR')!.bid.sub(tick('FEDCUT-27MAR').mul(Decimal.from(3))),
    ),
    restingBuy(
      'RECESSION-27',
      '800',
      trading.feed.getQuote('RECESSION-27')!.bid.sub(tick('RECESSION-27').mul(Decimal.from(2))),
    ),
  ];
  for (const order of resting)
    await trading.engine.place(book, caller, order, undefined, ctx, 'seed').catch(() => undefined);
  return account;
}

function restingBuy(symbol: string, quantity: string, limitPrice: Decimal): OrderRequest {
  return { symbol, side: 'buy', type: 'limit', quantity: dec(quantity), limitPrice, timeInForce: 'gtc' };
}
