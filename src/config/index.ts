import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeyRing } from '../store/envelope.ts';
import { ConfigError, loadRawConfig } from './load.ts';
import type { RawConfig } from './schema.ts';

export { ConfigError } from './load.ts';
export type { RawConfig } from './schema.ts';

export interface Config extends RawConfig {
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly keyRing: KeyRing;
  /** True when cookies must carry Secure (anything but plain-http localhost development). */
  readonly secureCookies: boolean;
  readonly production: boolean;
  /** Loud warnings about insecure development defaults in force. */
  readonly warnings: readonly string[];
}

const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * Turns validated settings into the running configuration: resolves the
 * database URL and the key ring, and applies the production rules (no
 * generated keys, no plain http, no demo user). All problems at once.
 */
export function resolveConfig(raw: Readonly<RawConfig>, options: { createDataDir?: boolean } = {}): Config {
  const problems: string[] = [];
  const warnings: string[] = [];
  const production = raw.env === 'production';
  const dataDir = resolve(raw.dataDir);
  const plainLocalhost = LOCALHOST.test(raw.publicOrigin);

  if (production && raw.publicOrigin.startsWith('http:')) {
    problems.push('PORTCULLIS_PUBLIC_ORIGIN must be https in production');
  } else if (!production && raw.publicOrigin.startsWith('http:') && !plainLocalhost) {
    problems.push('PORTCULLIS_PUBLIC_ORIGIN may use plain http only for localhost');
  }
  if (production && raw.demoUser) problems.push('PORTCULLIS_DEMO_USER must be false in production');

  let keyRing: KeyRing | undefined;
  if (raw.kek) {
    keyRing = KeyRing.parse(raw.kek);
  } else if (production) {
    problems.push('PORTCULLIS_KEK is required in production (a generated development key is refused)');
  } else {
    keyRing = developmentKeyRing(dataDir, options.createDataDir ?? true);
    warnings.push(
      `INSECURE DEVELOPMENT DEFAULT: the key-encryption key was generated and is kept in ${join(dataDir, 'dev-kek')}; set PORTCULLIS_KEK for any real deployment`,
    );
  }
  if (!production && plainLocalhost) {
    warnings.push(
      'INSECURE DEVELOPMENT DEFAULT: plain http on localhost; session cookies are not marked Secure',
    );
  }
  if (problems.length > 0 || !keyRing) throw new ConfigError(problems);

  const databaseUrl = raw.databaseUrl ?? `sqlite:${join(dataDir, 'portcullis.sqlite')}`;
  return Object.freeze({
    ...raw,
    dataDir,
    databaseUrl,
    keyRing,
    secureCookies: !plainLocalhost,
    production,
    warnings: Object.freeze(warnings),
  });
}

function developmentKeyRing(dataDir: string, create: boolean): KeyRing {
  const file = join(dataDir, 'dev-kek');
  if (!existsSync(file)) {
    if (!create) return new KeyRing([{ kid: 'dev', key: randomBytes(32) }]);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `dev:${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return KeyRing.parse(readFileSync(file, 'utf8').trim());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return resolveConfig(loadRawConfig(env));
}
