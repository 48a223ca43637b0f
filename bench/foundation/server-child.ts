/**
 * A Portcullis node for benchmarks, in its own process so that the load
 * generator does not share its event loop. Adds one bare route as the
 * baseline, answers IPC requests for event-loop delay figures.
 */

import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServices } from '../../src/container.ts';
import { buildApp } from '../../src/http/app.ts';
import { benchConfig, cpuSample } from '../support.ts';

const PASSWORD = 'benchmark passphrase 2026';
const config = benchConfig({
  PORTCULLIS_LOGIN_IP_PER_MINUTE: '100000',
  ...(process.env['BENCH_DATABASE_URL'] ? { DATABASE_URL: process.env['BENCH_DATABASE_URL'] } : {}),
});
const services = await createServices(config);
await services.identity.createUser({ loginName: 'bencher', password: PASSWORD });
const { app } = await buildApp(services, false);
app.get('/bench/bare', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const loop = monitorEventLoopDelay({ resolution: 1 });
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'loop:start') {
    loop.reset();
    loop.enable();
    process.send!({ type: 'loop:started' });
  } else if (msg.type === 'loop:stop') {
    loop.disable();
    process.send!({
      type: 'loop',
      p50Ms: loop.percentile(50) / 1e6,
      p99Ms: loop.percentile(99) / 1e6,
      maxMs: loop.max / 1e6,
    });
  } else if (msg.type === 'cpu') {
    process.send!({ type: 'cpu:at', ...cpuSample() });
  } else if (msg.type === 'stop') {
    await app.close();
    await services.close();
    process.exit(0);
  }
});
process.send!({
  type: 'ready',
  port,
  password: PASSWORD,
  argon2: {
    memoryKib: config.argon2MemoryKib,
    timeCost: config.argon2TimeCost,
    parallelism: config.argon2Parallelism,
    threads: config.argon2Threads > 0 ? config.argon2Threads : availableParallelism(),
  },
});
