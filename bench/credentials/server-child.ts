/**
 * A Portcullis node for the credential HTTP benchmarks, in its own process:
 * one user with a funded paper account, an HMAC key (trade, account:read) for
 * it, and two bare routes as the baseline (GET, and POST that parses JSON).
 */

import { createServices } from '../../src/container.ts';
import { buildApp } from '../../src/http/app.ts';
import { dec } from '../../src/trading/decimal.ts';
import { openMarketNow } from '../../test/support/market.ts';
import { benchConfig, cpuSample } from '../support.ts';

const config = benchConfig({
  PORTCULLIS_API_KEY_RATE_BURST: '100000',
  PORTCULLIS_API_KEY_RATE_PER_SECOND: '100000',
  PORTCULLIS_SIGNATURE_WINDOW_MS: '60000',
});
const services = await createServices(config);
const user = await services.identity.createUser({
  loginName: 'bot-owner',
  password: 'benchmark passphrase 2026',
});
// Many accounts, so that one account's order-rate limit (at most 1000/s) does not cap the run.
const owner = {
  kind: 'session' as const,
  userId: user.id,
  sessionId: 'ses_bench',
  interface: 'desktop' as const,
  deviceId: null,
  aal: 2,
  factors: [
    { method: 'password', at: Date.now() },
    { method: 'totp', at: Date.now() },
  ],
  isAdmin: false,
  createdAt: Date.now(),
};
const accountIds: string[] = [];
for (let i = 0; i < 32; i++) {
  const account = await services.trading.accounts.open(
    {
      ownerUserId: user.id,
      entityId: 'ent_us',
      name: `bench ${i}`,
      accountType: 'margin',
      permissions: { stocks: true, options: 4, futures: true, forex: true, forecast: true },
      subscriptions: ['us_equities'],
    },
    {},
  );
  await services.trading.funds.deposit(account.id, dec('1000000000'), {});
  await services.trading.control.setLimits(
    owner,
    account.id,
    { maxOrdersPerSecond: 1000, maxOpenOrders: 20000, dailyLossLimit: '100000000' },
    {},
  );
  accountIds.push(account.id);
}
const created = await services.credentials.apiKeys.create(
  user.id,
  {
    name: 'bench',
    kind: 'hmac',
    scopes: ['trade', 'account:read'],
    constraints: { accounts: accountIds, environment: 'paper' },
  },
  {},
);
const { app } = await buildApp(services, false);
app.get('/bench/bare', async () => ({ ok: true }));
app.post('/bench/bare', async (req) => ({ ok: true, echo: (req.body as { symbol?: string }).symbol }));
app.post(
  '/bench/accounts/:id/signed',
  { config: { auth: 'principal', credentialAction: 'order.place' } },
  async (req) => ({ ok: true, echo: (req.body as { symbol?: string }).symbol }),
);
await app.listen({ host: '127.0.0.1', port: 0 });
// Spot FX trades 24×5; at the weekend the orders go to an event contract, which trades 24×7.
const market = openMarketNow();
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'cpu') {
    process.send!({ type: 'cpu:at', ...cpuSample() });
  } else if (msg.type === 'stop') {
    await app.close();
    await services.close();
    process.exit(0);
  }
});
process.send!({
  type: 'ready',
  port,
  accountId: accountIds[0],
  accountIds,
  keyId: created.key.id,
  secret: created.secret,
  market,
});
