import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/server.ts';
import { testConfig } from '../support/harness.ts';
import { freePort } from '../support/net.ts';

export const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

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
