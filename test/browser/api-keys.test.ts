import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { createHmacSigner, PortcullisClient, UnauthenticatedError } from '../../sdk/src/index.ts';
import { openMarketNow } from '../support/market.ts';
import {
  customerWithTotp,
  type LiveServer,
  launchChromium,
  newPage,
  screenshot,
  signInWithTotp,
  startLiveServer,
} from './support.ts';

/**
 * The Security centre's API keys, driven in the browser and used by a program:
 * create a key with scopes and limits (the secret is shown once), trade with it
 * through the SDK, see its use, rotate it and revoke it.
 */
let server: LiveServer;
let browser: Browser;
let secret: string;

before(async () => {
  server = await startLiveServer();
  ({ secret } = await customerWithTotp(server, 'ivy'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('create an API key in the Security centre, trade with it from a program, rotate it, revoke it', async () => {
  const { context, page } = await newPage(browser);
  await signInWithTotp(page, server.origin, 'ivy', secret);
  await page.goto(`${server.origin}/#/security`);

  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name', { exact: true }).fill('paper bot');
  await form.getByLabel('Trade (trade)').check();
  await form.getByLabel('Largest order value (optional)').fill('50000');
  // The key names a symbol that trades now (spot FX closes for the weekend), in lower case.
  const market = openMarketNow();
  await form.getByLabel('Symbols (optional, comma-separated)').fill(`${market.symbol.toLowerCase()}, AAPL`);
  await form.getByRole('button', { name: 'Create key' }).click();
  const shown = (await page.getByTestId('api-secret').textContent())!.trim();
  assert.match(shown, /^pcs_[A-Za-z0-9_-]{43}$/);
  await page.getByTestId('api-keys').getByText('paper bot').waitFor();
  await screenshot(page, 'api-key-created');

  const { keys } = await page.evaluate(async () => (await fetch('/api/v1/api-keys')).json());
  assert.equal(keys.length, 1);
  assert.deepEqual(keys[0].scopes, ['account:read', 'orders:read', 'trade']);
  assert.equal(keys[0].constraints.maxOrderNotional, '50000');
  assert.deepEqual(keys[0].constraints.symbols, [market.symbol, 'AAPL']);
  const keyId: string = keys[0].id;
  const accountId: string = keys[0].constraints.accounts[0];
  assert.ok(!JSON.stringify(keys).includes(shown), 'the secret is never shown again');

  const bot = new PortcullisClient({ baseUrl: server.origin, signer: createHmacSigner(keyId, shown) });
  assert.ok(Array.isArray(await bot.positions(accountId)));
  const order = await bot.placeOrder(accountId, {
    symbol: market.symbol,
    side: 'buy',
    quantity: market.quantity,
    type: 'market',
    timeInForce: 'ioc',
  });
  assert.equal(order.symbol, market.symbol);

  // Rotation: a new secret is shown; the old one keeps working for the grace window.
  await page.getByRole('button', { name: 'I stored it' }).click();
  await page.getByRole('button', { name: 'Rotate paper bot' }).click();
  const rotated = (await page.getByTestId('api-secret').textContent())!.trim();
  assert.notEqual(rotated, shown);
  const next = new PortcullisClient({ baseUrl: server.origin, signer: createHmacSigner(keyId, rotated) });
  assert.ok(Array.isArray(await next.positions(accountId)));
  assert.ok(Array.isArray(await bot.positions(accountId)), 'the old secret works within the grace window');

  await page.getByRole('button', { name: 'Revoke paper bot' }).click();
  await page.getByTestId('api-keys').getByText('revoked').waitFor();
  await assert.rejects(next.positions(accountId), UnauthenticatedError);
  await assert.rejects(bot.positions(accountId), UnauthenticatedError);
  await context.close();
});
