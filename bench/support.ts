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

/** CPU time used so far, in microseconds: the event-loop thread, and the whole process (with its worker and GC threads). */
export interface CpuSample {
  mainUs: number;
  processUs: number;
}

/** Sampled inside a bench server and sent to the bench over IPC. */
export function cpuSample(): CpuSample {
  const main = process.threadCpuUsage();
  const all = process.cpuUsage();
  return { mainUs: main.user + main.system, processUs: all.user + all.system };
}

/**
 * The `execArgv` of a bench server: with BENCH_CPU_PROF=folder it writes its CPU profile there
 * (for finding where time goes).
 */
export function benchServerExecArgv(): string[] {
  const profile = process.env['BENCH_CPU_PROF'];
  return profile ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${profile}`] : process.execArgv;
}
