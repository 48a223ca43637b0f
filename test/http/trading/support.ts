import type { LightMyRequestResponse } from 'fastify';
import type { AccountRecord } from '../../../src/accounts/model.ts';
import { SessionService } from '../../../src/sessions/index.ts';
import { dec } from '../../../src/trading/decimal.ts';
import type { TestDb } from '../../support/databases.ts';
import { createUser, type Harness, startHarness } from '../../support/harness.ts';

export const FULL = { stocks: true, options: 4 as const, futures: true, forex: true, forecast: true };

/** A harness with the quote feed stepped by hand. */
export function tradingHarness(db: TestDb, env: Record<string, string> = {}): Promise<Harness> {
  return startHarness({
    db,
    env: { PORTCULLIS_QUOTE_INTERVAL_MS: '0', PORTCULLIS_UNFREEZE_COOLDOWN_SECONDS: '60', ...env },
  });
}

export interface Caller {
  userId: string;
  headers: Record<string, string>;
}

/**
 * A session issued by the session service: `strong` has a fresh second
 * factor (AAL2, TOTP now); otherwise a password-only AAL1 session.
 */
export async function sessionFor(
  h: Harness,
  userId: string,
  iface: 'portal' | 'mobile' | 'desktop' = 'portal',
  strong = true,
): Promise<Caller> {
  const now = h.clock.now;
  const { token } = await h.services.sessions.create(
    {
      userId,
      interface: iface,
      factors: strong
        ? [
            { method: 'password', at: now },
            { method: 'totp', at: now },
          ]
        : [{ method: 'password', at: now }],
      aal: strong ? 2 : 1,
      deviceId: null,
      ip: '203.0.113.9',
      userAgent: 'test',
    },
    { interface: iface },
  );
  const headers: Record<string, string> =
    iface === 'portal'
      ? { cookie: `__Host-pc_session=${token}`, 'x-csrf-token': SessionService.csrfTokenFor(token) }
      : { authorization: `Bearer ${token}` };
  return { userId, headers };
}

export async function customer(
  h: Harness,
  name: string,
  options: { cash?: string; accountType?: 'cash' | 'margin'; entityId?: string } = {},
): Promise<{ userId: string; account: AccountRecord; caller: Caller }> {
  const user = await createUser(h, name);
  const account = await h.services.trading.accounts.open(
    {
      ownerUserId: user.id,
      entityId: options.entityId ?? 'ent_us',
      name: `${name} trading`,
      accountType: options.accountType ?? 'margin',
      permissions: FULL,
      subscriptions: ['us_equities', 'forecast'],
    },
    {},
  );
  await h.services.trading.funds.deposit(account.id, dec(options.cash ?? '1000000'), {});
  return { userId: user.id, account, caller: await sessionFor(h, user.id) };
}

export function call(
  h: Harness,
  caller: Caller,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...caller.headers, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    remoteAddress: '203.0.113.9',
  });
}

/** The current ask (for a marketable buy) and bid of a symbol. */
export function touch(h: Harness, symbol: string): { bid: string; ask: string; last: string } {
  const q = h.services.trading.feed.getQuote(symbol)!;
  return { bid: q.bid.toString(), ask: q.ask.toString(), last: q.last.toString() };
}

export const limitBuy = (
  symbol: string,
  quantity: string,
  limitPrice: string,
  extra: Record<string, unknown> = {},
) => ({
  symbol,
  side: 'buy',
  type: 'limit',
  quantity,
  limitPrice,
  timeInForce: 'gtc',
  ...extra,
});
