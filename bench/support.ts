/** Pieces every benchmark shares: the configuration of a bench node and small statistics. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, resolveConfig } from '../src/config/index.ts';
import { loadRawConfig } from '../src/config/load.ts';

/** A throw-away node: its own data folder, a fixed key-encryption key, no demo user, silent logs. */
export function benchConfig(env: Record<string, string> = {}): Config {
  return resolveConfig(
    loadRawConfig({
      NODE_ENV: 'test',
      PORTCULLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'pc-bench-')),
      PORTCULLIS_KEK: `bench:${Buffer.alloc(32, 3).toString('base64url')}`,
      PORTCULLIS_DEMO_USER: 'false',
      PORTCULLIS_LOG_LEVEL: 'silent',
      PORTCULLIS_PORT: '0',
      ...env,
    }),
  );
}

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
