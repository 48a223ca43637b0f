import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
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
 * The Account page: the kill switch from the emergency bar, then resuming
 * trading (refused during the cool-down, allowed after it), tightening a limit
 * without a step-up, and requesting a new permission from a fresh session.
 */
const COOLDOWN_SECONDS = 3;
let server: LiveServer;
let browser: Browser;
let secret: string;
let accountId: string;

before(async () => {
  server = await startLiveServer({ PORTCULLIS_UNFREEZE_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS) });
  ({ secret, accountId } = await customerWithTotp(server, 'jade'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('kill switch, resume after the cool-down, tighten a limit, request a permission', async () => {
  const { context, page } = await newPage(browser);
  await signInWithTotp(page, server.origin, 'jade', secret);
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByTestId('trading-state').filter({ hasText: 'ACTIVE' }).waitFor();

  await page.getByRole('button', { name: 'Kill switch' }).click();
  await page.getByRole('button', { name: 'Halt everything' }).click();
  await page.getByText(/Kill switch on/).waitFor();
  await page.reload();
  await page.getByTestId('trading-state').filter({ hasText: 'HALTED' }).waitFor();
  await page.getByRole('button', { name: 'Resume trading' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /halted too recently/ })
    .waitFor();
  assert.equal((await server.services.trading.orders.book(accountId)).state.tradingState, 'HALTED');
  await sleep(COOLDOWN_SECONDS * 1000 + 200);
  await page.getByRole('button', { name: 'Resume trading' }).click();
  await page.getByText('Trading resumed.').waitFor();
  await page.getByTestId('trading-state').filter({ hasText: 'ACTIVE' }).waitFor();

  const limits = page.getByRole('form', { name: 'Limits' });
  await limits.getByLabel('Most open orders').fill('7');
  await limits.getByRole('button', { name: 'Save limits' }).click();
  await page.getByText('Limits saved.').waitFor();
  const saved = await page.evaluate(
    async (id) => (await fetch(`/api/v1/accounts/${id}/limits`)).json(),
    accountId,
  );
  assert.equal(saved.maxOpenOrders, 7);

  const request = page.getByRole('form', { name: 'Request a permission' });
  await request.getByLabel('Product').selectOption('options');
  await request.getByLabel('Options level').selectOption('3');
  await request.getByRole('button', { name: 'Request permission' }).click();
  await page.getByText(/Request recorded/).waitFor();
  await screenshot(page, 'account');
  const events = await page.evaluate(async () => (await fetch('/api/v1/audit/events?limit=50')).json());
  const names = (events.events as { name: string }[]).map((e) => e.name);
  for (const n of ['account.halted', 'account.unfrozen', 'limits.changed', 'permission.requested'])
    assert.ok(
      names.some((x) => x === n),
      `${n} in ${names.join(', ')}`,
    );
  await context.close();
});
