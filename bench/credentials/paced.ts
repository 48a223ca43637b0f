/**
 * Latency at a steady, non-saturating rate: a fixed number of requests per
 * second spread evenly in time, each timed with the high-resolution clock.
 * At saturation p99 measures the queue, not the work; paced load measures
 * what a request's own path adds.
 */
import { Agent, request } from 'node:http';

export interface PacedRequest {
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedResult {
  sent: number;
  failed: number;
  p50Us: number;
  p99Us: number;
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

function send(agent: Agent, port: number, method: string, r: PacedRequest): Promise<[number, boolean]> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: r.path,
        method,
        agent,
        headers: r.body ? { ...r.headers, 'content-length': Buffer.byteLength(r.body) } : r.headers,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve([Number(process.hrtime.bigint() - start) / 1000, (res.statusCode ?? 500) < 300]),
        );
      },
    );
    req.on('error', () => resolve([0, false]));
    req.end(r.body);
  });
}

/** Sends `ratePerSecond` requests a second for `seconds`; `next()` gives each request (prepared in advance). */
export async function paced(o: {
  port: number;
  method: 'GET' | 'POST';
  ratePerSecond: number;
  seconds: number;
  next: () => PacedRequest;
}): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const total = o.ratePerSecond * o.seconds;
  const prepared = Array.from({ length: total }, o.next);
  const latencies: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / o.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(agent, o.port, o.method, prepared[i]!).then(([us, ok]) => {
        if (ok) latencies.push(us);
        else failed++;
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { sent: total, failed, p50Us: percentile(latencies, 0.5), p99Us: percentile(latencies, 0.99) };
}
