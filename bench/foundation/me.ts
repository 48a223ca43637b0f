import autocannon from 'autocannon';
import { median } from '../support.ts';
import { startBenchServer } from './child.ts';

export interface ThroughputResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export interface MeBenchResult {
  connections: number;
  bare: ThroughputResult;
  me: ThroughputResult;
  ratio: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<ThroughputResult> {
  const r = await autocannon({ url, headers, duration: seconds, connections, pipelining: 1 });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

/**
 * A session-authenticated GET /api/v1/me against a bare Fastify route on the
 * same server, alternating rounds so drift on a noisy machine hits both alike.
 */
export async function benchMe(seconds = 4, rounds = 3, connections = 20): Promise<MeBenchResult> {
  const server = await startBenchServer({ PORTCULLIS_SESSION_TOUCH_SECONDS: '30' });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const flow = (await (
      await fetch(`${base}/api/v1/login/flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"interface":"desktop"}',
      })
    ).json()) as { id: string };
    const login = (await (
      await fetch(`${base}/api/v1/login/flows/${flow.id}/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'bencher', password: server.password }),
      })
    ).json()) as { session: { token: string } };
    const auth = { authorization: `Bearer ${login.session.token}` };
    await load(`${base}/bench/bare`, {}, 1, connections);
    await load(`${base}/api/v1/me`, auth, 1, connections);
    const bare: ThroughputResult[] = [];
    const me: ThroughputResult[] = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(await load(`${base}/bench/bare`, {}, seconds, connections));
      me.push(await load(`${base}/api/v1/me`, auth, seconds, connections));
    }
    const pick = (rs: ThroughputResult[]): ThroughputResult => ({
      rps: median(rs.map((r) => r.rps)),
      p50Ms: median(rs.map((r) => r.p50Ms)),
      p99Ms: median(rs.map((r) => r.p99Ms)),
    });
    const b = pick(bare);
    const m = pick(me);
    return { connections, bare: b, me: m, ratio: m.rps / b.rps };
  } finally {
    await server.stop();
  }
}
