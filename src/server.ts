import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type Config, loadConfig } from './config/index.ts';
import { createServices, type Services } from './container.ts';
import { buildApp } from './http/app.ts';
import { checkPassword } from './identity/index.ts';
import { createLogger } from './logger.ts';
import { seedDemoAccount } from './trading/demo.ts';

/**
 * On first start in development, a demo customer with a generated password,
 * printed once. Never a fixed default password.
 */
export async function seedDemoUser(services: Services, print: (line: string) => void): Promise<void> {
  const { config } = services;
  if (!config.demoUser || (await services.identity.users.count()) > 0) return;
  let password = '';
  do password = randomBytes(15).toString('base64url');
  while (
    checkPassword(
      password,
      { loginName: 'demo', email: 'demo@example.com' },
      { minLength: config.passwordMinLength, maxLength: config.passwordMaxLength },
    )
  );
  const demo = await services.identity.createUser(
    { loginName: 'demo', email: 'demo@example.com', displayName: 'Demo Customer', password },
    { interface: 'cli' },
  );
  await seedDemoAccount(services.trading, demo.id, { interface: 'cli' });
  print('');
  print('  A demo customer was created. This password is shown once and never again:');
  print(`    login name: demo`);
  print(`    password:   ${password}`);
  print('');
}

export interface RunningServer {
  services: Services;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(
  config: Config = loadConfig(),
  options: { logger?: Logger; print?: (line: string) => void } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  for (const w of config.warnings) logger.warn(w);
  const services = await createServices(config);
  await seedDemoUser(services, print);
  const { app, readiness } = await buildApp(services, logger);
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, database: services.store.kind }, 'Portcullis is listening');
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      readiness.shuttingDown = true;
      logger.info('shutting down: draining requests');
      await app.close();
      await services.close();
    })();
    return stopping;
  };
  return { services, url: address, stop };
}

/** Graceful shutdown on SIGTERM / SIGINT: stop accepting, finish in-flight requests, close the database. */
export function stopOnSignals(server: RunningServer): void {
  const handler = (signal: string) => {
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown after ${signal} failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}
