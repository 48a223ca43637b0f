import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Decimal } from '../../src/trading/decimal.ts';
import { PASSWORD } from '../support/harness.ts';
import {
  customerWithTotp,
  type LiveServer,
  launchChromium,
  newPage,
  screenshot,
  signInWithPassword,
  startLiveServer,
  totpAt,
} from './support.ts';

/**
 * One customer, a portal and a phone: enrol the phone from the portal, approve a
 * sign-in by picking the number (after a wrong pick is refused), place a large
 * order that needs a step-up, and freeze the account from the phone.
 */
let server: LiveServer;
let browser: Browser;
let secret: string;
/** Large orders need a second factor younger than this (the shortest the setting allows). */
const FRESH_SECONDS = 30;

before(async () => {
  server = await startLiveServer({
    PORTCULLIS_POLICY_FRESH_MEDIUM_SECONDS: String(FRESH_SECONDS),
    PORTCULLIS_POLICY_LARGE_ORDER_NOTIONAL: '1000',
  });
  ({ secret } = await customerWithTotp(server, 'hank'));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const totp = (stepsAhead: number) => totpAt(secret, stepsAhead);

async function withPlatformAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

test('a phone enrolled by code approves a portal sign-in by the number, a large order steps up, a new payee starts on hold, and the phone freezes the account', async () => {
  // Portal A: password + authenticator code, then Security centre → Add mobile app.
  const a = await newPage(browser);
  await signInWithPassword(a.page, server.origin, 'hank', PASSWORD);
  await a.page.getByText('Authenticator app code', { exact: true }).click();
  await a.page.getByLabel('Authenticator code').fill(totp(0));
  await a.page.getByRole('button', { name: 'Verify' }).click();
  await a.page.getByTestId('who').waitFor();
  await a.page.goto(`${server.origin}/#/security`);
  await a.page.getByRole('button', { name: 'Add mobile app' }).click();
  const code = (await a.page.getByTestId('mobile-code').textContent())!.trim();

  // The phone: enrol with the typed code, unlock with its platform authenticator, sign in.
  const phone = await newPage(browser, { width: 390, height: 844 });
  // Requests reach the phone over its event stream; asking for them again is only the fallback.
  const phoneCalls: string[] = [];
  phone.page.on('request', (r) => phoneCalls.push(new URL(r.url()).pathname));
  await withPlatformAuthenticator(phone.context, phone.page);
  await phone.page.goto(`${server.origin}/m/`);
  await phone.page.getByLabel('Enrolment code').fill(code);
  await phone.page.getByLabel('Name for this phone').fill('Hank phone');
  await phone.page.getByRole('button', { name: 'Enrol' }).click();
  await phone.page.getByLabel('Login name or email').fill('hank');
  await phone.page.getByLabel('Password').fill(PASSWORD);
  await phone.page.getByRole('button', { name: 'Sign in' }).click();
  await phone.page.getByRole('heading', { name: 'Approvals' }).waitFor();
  const stored = await phone.page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.equal(stored, '{}');

  // Portal B signs in with a push; a wrong pick is refused, the right one signs in.
  const b = await newPage(browser);
  await signInWithPassword(b.page, server.origin, 'hank', PASSWORD);
  await b.page.getByRole('button', { name: 'Send a push to my phone' }).click();
  let number = (await b.page.getByTestId('push-number').textContent())!.trim();
  await screenshot(b.page, 'push-waiting');
  const request = phone.page.getByTestId('push-request');
  await request.waitFor();
  assert.ok(phoneCalls.includes('/api/v1/push/stream'), 'the phone follows its event stream');
  assert.ok(!phoneCalls.includes('/api/v1/push/pending'), 'and does not need to ask for requests');
  await screenshot(phone.page, 'mobile-approval');
  const wrong = (await request.getByRole('button', { name: /Approve with number/ }).allTextContents()).find(
    (n) => n.trim() !== number,
  )!;
  await request.getByRole('button', { name: `Approve with number ${wrong.trim()}` }).click();
  await b.page.getByRole('alert').waitFor();
  assert.equal(await b.page.getByTestId('who').count(), 0);

  await b.page.getByRole('button', { name: 'Send a push to my phone' }).click();
  number = (await b.page.getByTestId('push-number').textContent())!.trim();
  await phone.page
    .getByTestId('push-request')
    .getByRole('button', { name: `Approve with number ${number}` })
    .click();
  await b.page.getByTestId('who').waitFor();
  const signedInAt = Date.now();

  // A large order once the push is no longer fresh: preview, send, the step-up dialog, placed.
  await b.page.getByRole('link', { name: 'Trade' }).click();
  const quote = server.services.trading.feed.getQuote('FEDCUT-27MAR')!;
  const tick = server.services.trading.catalogue.get('FEDCUT-27MAR')!.tickSize;
  await b.page.getByLabel('Symbol').fill('FEDCUT-27MAR');
  await b.page.getByLabel('Quantity').fill('5000');
  await b.page.getByLabel('Limit price').fill(quote.bid.sub(tick.mul(Decimal.from(4))).toString());
  await b.page.getByLabel('Time in force').selectOption('gtc');
  await b.page.getByRole('button', { name: 'Preview' }).click();
  await b.page.getByTestId('preview').waitFor();
  await screenshot(b.page, 'order-ticket-preview');
  const wait = signedInAt + (FRESH_SECONDS + 5) * 1000 - Date.now();
  if (wait > 0) await sleep(wait);
  await b.page.getByRole('button', { name: 'Send order' }).click();
  const dialog = b.page.getByRole('dialog', { name: 'Confirm it is you' });
  await dialog.getByText('Authenticator app code', { exact: true }).click();
  await dialog.getByLabel('Authenticator code').fill(totp(1));
  await screenshot(b.page, 'step-up');
  await dialog.getByRole('button', { name: 'Verify' }).click();
  await b.page.getByTestId('placed').waitFor();
  await b.page.goto(`${server.origin}/#/dashboard`);
  await b.page.getByTestId('order-row').first().waitFor();
  await screenshot(b.page, 'dashboard');

  // Funds: a new payee starts on hold (the step-up just done keeps the session fresh enough).
  await b.page.getByRole('link', { name: 'Funds' }).click();
  await b.page.getByTestId('withdrawal-limits').waitFor();
  // The limit for this sign-in (a push: the phone) is stated before anything is submitted.
  assert.match(
    (await b.page.getByTestId('withdrawal-limits').textContent())!,
    /Signed in with your phone, you can withdraw up to \d+ USD a day: 0 used today, \d+ left\..*raises the daily limit to \d+ USD/,
  );
  await b.page.getByLabel('Name', { exact: true }).fill('Hank Savings');
  await b.page.getByLabel('IBAN or account number').fill('gb33 bukb 2020 1555 5555 55');
  await b.page.getByRole('button', { name: 'Add payee' }).click();
  await b.page.getByText(/Hank Savings — •+5555 \(USD\) · on hold until/).waitFor();
  await screenshot(b.page, 'funds');
  await b.page.goto(`${server.origin}/#/dashboard`);
  await b.page.getByTestId('order-row').first().waitFor();

  // The kill switch from the phone: one tap, one confirmation, no step-up; the portal's orders go.
  await phone.page.getByRole('button', { name: 'Quick actions' }).click();
  await phone.page.getByRole('button', { name: 'Freeze account (kill switch)' }).click();
  await phone.page.getByRole('dialog').getByRole('button', { name: 'Yes, do it' }).click();
  await phone.page.getByText('Account frozen.').waitFor();
  await b.page.getByTestId('no-open-orders').waitFor();

  for (const x of [a, b, phone]) await x.context.close();
});
