import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD } from '../support/harness.ts';
import {
  type LiveServer,
  launchChromium,
  newPage,
  screenshot,
  signInWithPassword,
  startLiveServer,
  totpAt,
} from './support.ts';

let server: LiveServer;
let browser: Browser;

before(async () => {
  server = await startLiveServer();
  for (const login of ['frank', 'grace']) {
    await server.services.identity.createUser({
      loginName: login,
      email: `${login}@example.com`,
      displayName: login,
      password: PASSWORD,
    });
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Portcullis' }).waitFor();
}

test('enrol an authenticator app by its QR code, then sign in with password and the app code', async () => {
  const { context, page } = await newPage(browser);
  await signInWithPassword(page, server.origin, 'frank', PASSWORD);
  await page.getByTestId('who').waitFor();
  await page.goto(`${server.origin}/#/security`);
  await page.getByRole('button', { name: 'Add authenticator app' }).click();
  await page.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await page.getByLabel('Code shown by the app').fill(totpAt(secret, -1));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  const recovery = (await page.getByTestId('recovery-codes').locator('li').allTextContents()).map((c) =>
    c.trim(),
  );
  assert.equal(recovery.length, 10);
  await page.getByRole('button', { name: 'I saved them' }).click();
  await page.getByTestId('factors').getByText('(totp)').waitFor();
  await signOut(page);

  await signInWithPassword(page, server.origin, 'frank', PASSWORD);
  await page.getByText('Authenticator app code', { exact: true }).click();
  await page.getByLabel('Authenticator code').fill('000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').filter({ hasText: /code/ }).waitFor();
  await page.getByLabel('Authenticator code').fill(totpAt(secret, 0));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('who').waitFor();
  const aal = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).session.aal);
  assert.equal(aal, 2);
  await signOut(page);

  // A recovery code signs in once; the same code a second time is refused.
  for (const attempt of ['first', 'again']) {
    await signInWithPassword(page, server.origin, 'frank', PASSWORD);
    await page.getByText('Recovery code', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Recovery code' }).fill(recovery[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    if (attempt === 'first') {
      await page.getByTestId('who').waitFor();
      await signOut(page);
    } else {
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByTestId('who').count(), 0);
    }
  }
  await context.close();
});

test('register a security key on a virtual authenticator, sign in with it, and refuse a bad signature', async () => {
  const { context, page } = await newPage(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await signInWithPassword(page, server.origin, 'grace', PASSWORD);
  await page.getByTestId('who').waitFor();
  await page.goto(`${server.origin}/#/security`);
  await page.getByRole('button', { name: 'Add security key or passkey' }).click();
  await page.getByTestId('recovery-codes').waitFor();
  await page.getByRole('button', { name: 'I saved them' }).click();
  await page.getByTestId('factors').getByText('(webauthn)').waitFor();
  await signOut(page);
  await context.clearCookies(); // forget the remembered browser too: the key must be asked for

  await signInWithPassword(page, server.origin, 'grace', PASSWORD);
  await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBogusSignature: true });
  await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByTestId('who').count(), 0);
  await screenshot(page, 'sign-in-security-key-refused');

  await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBogusSignature: false });
  await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
  await page.getByTestId('who').waitFor();
  await context.close();
});
