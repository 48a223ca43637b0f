import { Agent, request } from 'node:http';
import { hash, verify } from '@node-rs/argon2';
import { HashPool } from '../../src/identity/hash-pool.ts';
import { type CpuSample, median } from '../support.ts';
import { startBenchServer } from './child.ts';

export interface LoginBenchResult {
  concurrency: number;
  seconds: number;
  argon2VerifiesPerSecond: number;
  signInsPerSecond: number;
  ratio: number;
  /** Raw argon2id on as many threads as the server hashes on (the machine's best raw rate). */
  hashingThreads: number;
  argon2OnServerThreadsPerSecond: number;
  strictRatio: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** CPU per sign-in during the sign-in rounds: the server's event loop, its other threads (hashing, GC), and this process (the load generator). */
  cpuMsPerSignIn: { serverLoop: number; serverOtherThreads: number; loadGenerator: number };
}

function post(
  agent: Agent,
  port: number,
  path: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function forDuration(seconds: number, concurrency: number, op: () => Promise<void>): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op();
        done++;
      }
    }),
  );
  return done / seconds;
}

/**
 * Complete password sign-ins (start a flow, submit the password, get a
 * session) per second over HTTP, against raw argon2id verifications per
 * second with the same parameters and concurrency, measured in the same run
 * in alternating rounds (the median of each), so that a noisy machine drifts
 * both alike. The raw verifications run in this process while the server is
 * idle; the server's event-loop delay is sampled over the whole run.
 *
 * Two raw baselines: the library's own asynchronous verify (on libuv's pool,
 * four threads by default), and verifies on as many threads as the server
 * hashes on (one per CPU). On a machine with fewer CPUs than libuv threads the
 * second is faster, as argon2id's memory then thrashes less, so it is the stricter one.
 */
export async function benchLogin(seconds = 4, rounds = 3, concurrency = 2): Promise<LoginBenchResult> {
  const server = await startBenchServer();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const pool = new HashPool({ threads: server.argon2.threads, nice: 0 });
  try {
    const opts = {
      memoryCost: server.argon2.memoryKib,
      timeCost: server.argon2.timeCost,
      parallelism: server.argon2.parallelism,
      algorithm: 2 as const,
    };
    const stored = await hash(server.password, opts);
    const rawVerify = async () => {
      if (!(await verify(stored, server.password))) throw new Error('verify failed');
    };
    const threadedVerify = async () => {
      const ok = await pool.run({ op: 'verify', password: server.password, stored, options: opts });
      if (ok !== true) throw new Error('verify failed');
    };
    const signIn = async () => {
      const flow = await post(agent, server.port, '/api/v1/login/flows', { interface: 'desktop' });
      const res = await post(agent, server.port, `/api/v1/login/flows/${flow.json['id']}/password`, {
        identifier: 'bencher',
        password: server.password,
      });
      if (res.status !== 200) throw new Error(`sign-in failed: ${JSON.stringify(res.json)}`);
    };
    await forDuration(1, concurrency, rawVerify);
    await forDuration(1, concurrency, threadedVerify);
    await forDuration(1, concurrency, signIn);
    const raw: number[] = [];
    const onThreads: number[] = [];
    const signIns: number[] = [];
    await server.request('loop:start', 'loop:started');
    const cpu = { loopUs: 0, otherUs: 0, clientUs: 0 };
    for (let i = 0; i < rounds; i++) {
      raw.push(await forDuration(seconds, concurrency, rawVerify));
      onThreads.push(await forDuration(seconds, concurrency, threadedVerify));
      const before = await server.request<CpuSample>('cpu', 'cpu:at');
      const client = process.cpuUsage();
      signIns.push(await forDuration(seconds, concurrency, signIn));
      const used = process.cpuUsage(client);
      const after = await server.request<CpuSample>('cpu', 'cpu:at');
      cpu.loopUs += after.mainUs - before.mainUs;
      cpu.otherUs += after.processUs - before.processUs - (after.mainUs - before.mainUs);
      cpu.clientUs += used.user + used.system;
    }
    const total = signIns.reduce((n, r) => n + r * seconds, 0);
    const loop = await server.request<{ p99Ms: number; maxMs: number }>('loop:stop', 'loop');
    const argon2VerifiesPerSecond = median(raw);
    const signInsPerSecond = median(signIns);
    const argon2OnServerThreadsPerSecond = median(onThreads);
    return {
      concurrency,
      seconds: seconds * rounds,
      argon2VerifiesPerSecond,
      signInsPerSecond,
      ratio: signInsPerSecond / argon2VerifiesPerSecond,
      hashingThreads: server.argon2.threads,
      argon2OnServerThreadsPerSecond,
      strictRatio: signInsPerSecond / argon2OnServerThreadsPerSecond,
      eventLoopP99Ms: loop.p99Ms,
      eventLoopMaxMs: loop.maxMs,
      cpuMsPerSignIn: {
        serverLoop: cpu.loopUs / total / 1000,
        serverOtherThreads: cpu.otherUs / total / 1000,
        loadGenerator: cpu.clientUs / total / 1000,
      },
    };
  } finally {
    agent.destroy();
    await pool.close();
    await server.stop();
  }
}
