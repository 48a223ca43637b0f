import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { lastSmsCode } from '../support/authn.ts';
import { PASSWORD } from '../support/harness.ts';
import { type LiveServer, launchChromium, newPage, signInWithPassword, startLiveServer } from './support.ts';

/**
 * SMS, a restricted authenticator, enabled on this server: the portal signs in
 * with a texted code (read from the development sender's outbox), and a wrong
 * code is answered in words first.
 */
let server: LiveServer;
let browser: Browser;

const lastCode = () => lastSmsCode(server.services.config.dataDir);

before(async () => {
  server = await startLiveServer({ PORTCULLIS_SMS_ENABLED: 'true' });
  const user = await server.services.identity.createUser({
    loginName: 'kim',
    email: 'kim@example.com',
    displayName: 'Kim',
    password: PASSWORD,
  });
  const factors = server.services.authn.factors;
  const e = await factors.enrollSms(user.id, '+44 20 7946 0958', { interface: 'portal' });
  await factors.confirm(user.id, e.id, { code: lastCode() }, { interface: 'portal' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('sign in with a texted code; a wrong code is refused in words first', async () => {
  const { context, page } = await newPage(browser);
  await signInWithPassword(page, server.origin, 'kim', PASSWORD);
  await page.getByText('Text message code', { exact: true }).click();
  await page.getByRole('button', { name: 'Text me a code' }).click();
  const input = page.getByLabel('Code from the text message');
  await input.waitFor();
  const code = lastCode();
  await input.fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByTestId('who').count(), 0);
  await input.fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('who').waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
  assert.equal(me.session.aal, 2);
  assert.ok(
    (me.session.factors as { method: string }[]).some((f) => f.method === 'sms'),
    JSON.stringify(me.session),
  );
  await context.close();
});
