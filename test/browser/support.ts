import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/server.ts';
import { seedDemoAccount } from '../../src/trading/demo.ts';
import { PASSWORD, testConfig } from '../support/harness.ts';
import { freePort } from '../support/net.ts';

/**
 * Where the browser tests save their screenshots: the documentation's own folder when
 * PC_UPDATE_SCREENSHOTS=1 (to refresh them on purpose), otherwise a scratch folder, so a test run
 * leaves the work tree as it found it.
 */
export const SCREENSHOTS = process.env['PC_UPDATE_SCREENSHOTS']
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'portcullis-screenshots', sep);

/** The launch the lead prescribed for Debian's chromium on a small CI machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface LiveServer extends RunningServer {
  origin: string;
}

/** A real server on a free loopback port, SQLite in a temporary folder, reached as http://localhost. */
export async function startLiveServer(env: Record<string, string> = {}): Promise<LiveServer> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const server = await startServer(
    testConfig({
      PORTCULLIS_PORT: String(port),
      PORTCULLIS_HOST: '127.0.0.1',
      PORTCULLIS_PUBLIC_ORIGIN: origin,
      ...env,
    }),
    { print: () => undefined },
  );
  return { ...server, origin };
}

export async function newPage(browser: Browser, options: { width?: number; height?: number } = {}) {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: options.width ?? 1200, height: options.height ?? 860 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page: Page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

export async function signInWithPassword(page: Page, origin: string, login: string, password: string) {
  await page.goto(`${origin}/`);
  await page.getByLabel('Login name or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The authenticator code `stepsAhead` periods from now (the server accepts ±1 step, each code once). */
export function totpAt(secret: string, stepsAhead = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });
}

/**
 * A customer with the demo paper account and a confirmed authenticator app (its code for the
 * previous period is spent on the confirmation, so the current one is free for a sign-in).
 */
export async function customerWithTotp(server: LiveServer, loginName: string) {
  const user = await server.services.identity.createUser({
    loginName,
    email: `${loginName}@example.com`,
    displayName: loginName,
    password: PASSWORD,
  });
  const account = await seedDemoAccount(server.services.trading, user.id, { interface: 'cli' });
  const factors = server.services.authn.factors;
  const e = await factors.enrollTotp(user, 'app', { interface: 'portal' });
  await factors.confirm(user.id, e.id, { code: totpAt(e.secret, -1) }, { interface: 'portal' });
  return { user, accountId: account.id, secret: e.secret };
}

/** Password, then the authenticator code, until the signed-in shell shows. */
export async function signInWithTotp(page: Page, origin: string, login: string, secret: string) {
  await signInWithPassword(page, origin, login, PASSWORD);
  await page.getByText('Authenticator app code', { exact: true }).click();
  await page.getByLabel('Authenticator code').fill(totpAt(secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('who').waitFor();
}
