/**
 * Over HTTP, 50 connections, alternating rounds against a bare route on the
 * same server (so machine noise hits both alike):
 *   - signed GET …/positions                       vs bare GET    (target ≥ 0.8)
 *   - signed, scope-checked POST on the order path vs bare POST at a steady 1,000/s (p99 added ≤ 1 ms)
 *   - signed, scope- and risk-checked order submissions vs bare POST (target ≥ 0.5);
 *     market IOC orders on the paper venue, EURUSD (24×5) or at the weekend an event contract
 *     (24×7); what the displayed size cannot take expires rather than piling up as open orders
 * Every signed request gets a fresh nonce and timestamp in the load generator.
 */

import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { canonicalString, prepareHmacKey, signHmac } from '../../src/credentials/signing.ts';
import type { OpenMarket } from '../../test/support/market.ts';
import { benchServerExecArgv, type CpuSample, median } from '../support.ts';
import { type PacedResult, paced } from './paced.ts';

export interface Throughput {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** The server's CPU time per request: its event-loop thread, and the whole process. */
  serverMainUs: number;
  serverProcessUs: number;
  firstFailure?: string;
}

export interface CredentialHttpResult {
  connections: number;
  symbol: string;
  bareGet: Throughput;
  positions: Throughput;
  barePost: Throughput;
  /** The order-path route with and without request signing, at a steady 1,000 requests a second. */
  pacedBare: PacedResult;
  pacedSigned: PacedResult;
  orders: Throughput;
  positionsRatio: number;
  ordersRatio: number;
  addedP99Ms: number;
}

interface Ready {
  port: number;
  accountId: string;
  accountIds: string[];
  keyId: string;
  secret: string;
  /** What the orders trade: a symbol open now, and a size inside its class's per-order limits. */
  market: OpenMarket;
}

/** How many requests a round may send at most; prepared before the clock starts. */
const PREPARED_PER_SECOND = 60_000;

interface Prepared {
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Signs one request as a bot would: fresh timestamp and nonce, signature over
 * the canonical string. Done before a round starts (the signing window of the
 * bench server is 60 s, a round lasts seconds) so that the load generator's
 * own signing work, which shares the machine's two cores with the server, is
 * not charged to the server; the bare baseline gets its bodies prepared the same way.
 */
function prepare(
  o: { method: 'GET' | 'POST'; body?: () => string; sign?: { keyId: string; path: string | (() => string) } },
  key: ReturnType<typeof prepareHmacKey> | undefined,
  defaultPath: string,
): Prepared {
  const body = o.body?.();
  const headers: Record<string, string> = { ...(body ? { 'content-type': 'application/json' } : {}) };
  let path = defaultPath;
  if (o.sign && key) {
    path = typeof o.sign.path === 'string' ? o.sign.path : o.sign.path();
    const timestamp = Date.now();
    const nonce = randomBytes(12).toString('base64url');
    const canonical = canonicalString({ timestamp, nonce, method: o.method, pathWithQuery: path, body });
    Object.assign(headers, {
      'pc-key': o.sign.keyId,
      'pc-timestamp': String(timestamp),
      'pc-nonce': nonce,
      'pc-signature': signHmac(key, canonical),
    });
  }
  return { path, headers, ...(body ? { body } : {}) };
}

async function load(o: {
  url: string;
  method: 'GET' | 'POST';
  body?: () => string;
  sign?: { keyId: string; secret: string; path: string | (() => string) };
  seconds: number;
  connections: number;
  cpu: () => Promise<CpuSample>;
}): Promise<Throughput> {
  const key = o.sign ? prepareHmacKey(o.sign.secret) : undefined;
  const defaultPath = new URL(o.url).pathname;
  const ready: Prepared[] = [];
  if (o.sign || o.body) {
    for (let i = 0; i < PREPARED_PER_SECOND * o.seconds; i++) ready.push(prepare(o, key, defaultPath));
  }
  let next = 0;
  let firstFailure: string | undefined;
  const before = await o.cpu();
  const r = await autocannon({
    url: o.url,
    duration: o.seconds,
    connections: o.connections,
    requests: [
      {
        method: o.method,
        setupRequest: (req) => {
          if (!o.sign && !o.body) return req;
          // Past the prepared ones (a faster machine), sign on the fly rather than replay.
          const p = ready[next++] ?? prepare(o, key, defaultPath);
          return { ...req, path: p.path, headers: p.headers, ...(p.body ? { body: p.body } : {}) };
        },
        onResponse: (status: number, body: string) => {
          if (status >= 300 && firstFailure === undefined) firstFailure = `${status} ${body.slice(0, 200)}`;
        },
      },
    ],
  });
  const after = await o.cpu();
  const sent = Math.max(1, r.requests.total);
  return {
    rps: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    serverMainUs: (after.mainUs - before.mainUs) / sent,
    serverProcessUs: (after.processUs - before.processUs) / sent,
    ...(firstFailure !== undefined && { firstFailure }),
  };
}

function pickPaced(rs: PacedResult[]): PacedResult {
  return {
    sent: rs.reduce((n, r) => n + r.sent, 0),
    failed: rs.reduce((n, r) => n + r.failed, 0),
    p50Us: median(rs.map((r) => r.p50Us)),
    p99Us: median(rs.map((r) => r.p99Us)),
  };
}

function pick(rs: Throughput[]): Throughput {
  return {
    rps: median(rs.map((r) => r.rps)),
    p50Ms: median(rs.map((r) => r.p50Ms)),
    p99Ms: median(rs.map((r) => r.p99Ms)),
    non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
    serverMainUs: median(rs.map((r) => r.serverMainUs)),
    serverProcessUs: median(rs.map((r) => r.serverProcessUs)),
    ...(rs.find((r) => r.firstFailure) && { firstFailure: rs.find((r) => r.firstFailure)!.firstFailure! }),
  };
}

export async function benchCredentialHttp(
  seconds = 3,
  rounds = 3,
  connections = 50,
): Promise<CredentialHttpResult> {
  const profile = process.env['BENCH_CPU_PROF'];
  const child = fork(new URL('./server-child.ts', import.meta.url), {
    // With BENCH_CPU_PROF the paced latency rounds are left out, so the profile shows the throughput rounds.
    execArgv: benchServerExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const cpu = () =>
    new Promise<CpuSample>((resolve) => {
      const onMessage = (m: { type: string } & CpuSample) => {
        if (m.type !== 'cpu:at') return;
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ type: 'cpu' });
    });
  try {
    const base = `http://127.0.0.1:${ready.port}`;
    const positionsPath = `/api/v1/accounts/${ready.accountId}/positions`;
    const signedPath = `/bench/accounts/${ready.accountId}/signed`;
    let next = 0;
    const ordersPath = () => `/api/v1/accounts/${ready.accountIds[next++ % ready.accountIds.length]}/orders`;
    let counter = 0;
    const lot = Number(ready.market.quantity);
    const orderBody = () => {
      // Accounts take turns; each account alternates a buy and a sell of the same size, so
      // positions stay flat and no order repeats within the duplicate window.
      const round = Math.floor(counter++ / ready.accountIds.length);
      return JSON.stringify({
        symbol: ready.market.symbol,
        quantity: String(lot * (1 + (Math.floor(round / 2) % 900))),
        side: round % 2 === 0 ? 'buy' : 'sell',
        type: 'market',
        timeInForce: 'ioc',
        clientOrderId: randomBytes(9).toString('base64url'),
      });
    };
    const sign = (path: string | (() => string)) => ({ keyId: ready.keyId, secret: ready.secret, path });
    const runs = {
      // The baselines carry the same PC-* headers (which the bare route never checks), so that
      // the load generator, sharing the machine's two cores, does the same work per request in both.
      bareGet: () =>
        load({
          url: `${base}/bench/bare`,
          method: 'GET',
          sign: sign('/bench/bare'),
          seconds,
          connections,
          cpu,
        }),
      positions: () =>
        load({
          url: base + positionsPath,
          method: 'GET',
          sign: sign(positionsPath),
          seconds,
          connections,
          cpu,
        }),
      barePost: () =>
        load({
          url: `${base}/bench/bare`,
          method: 'POST',
          body: orderBody,
          sign: sign('/bench/bare'),
          seconds,
          connections,
          cpu,
        }),
      orders: () =>
        load({
          url: base + ordersPath(),
          method: 'POST',
          body: orderBody,
          sign: sign(ordersPath),
          seconds,
          connections,
          cpu,
        }),
    };
    const results: Record<keyof typeof runs, Throughput[]> = {
      bareGet: [],
      positions: [],
      barePost: [],
      orders: [],
    };
    // Orders run last: a refused order counts towards the credential's circuit breaker, which
    // suspends the key (as it should) and would spoil the other measurements.
    const phases: (keyof typeof runs)[][] = [
      ['bareGet', 'positions'],
      ['barePost', 'orders'],
    ];
    // Latency first, on a quiet server: the signed route against the same route body unsigned.
    const pacedRuns = { bare: [] as PacedResult[], signed: [] as PacedResult[] };
    const pacedOnce = (signed: boolean) =>
      paced({
        port: ready.port,
        method: 'POST',
        ratePerSecond: 1000,
        seconds,
        next: () =>
          prepare(
            { method: 'POST', body: orderBody, ...(signed && { sign: sign(signedPath) }) },
            signed ? prepareHmacKey(ready.secret) : undefined,
            signed ? signedPath : '/bench/bare',
          ),
      });
    for (let i = 0; i < rounds && !profile; i++) {
      pacedRuns.bare.push(await pacedOnce(false));
      pacedRuns.signed.push(await pacedOnce(true));
    }
    for (const phase of phases) {
      for (let i = 0; i < rounds; i++) for (const name of phase) results[name].push(await runs[name]());
    }
    const r = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, pick(v)])) as Record<
      keyof typeof runs,
      Throughput
    >;
    const pacedBare = pickPaced(pacedRuns.bare);
    const pacedSigned = pickPaced(pacedRuns.signed);
    return {
      connections,
      symbol: ready.market.symbol,
      ...r,
      positionsRatio: r.positions.rps / r.bareGet.rps,
      ordersRatio: r.orders.rps / r.barePost.rps,
      pacedBare,
      pacedSigned,
      addedP99Ms: (pacedSigned.p99Us - pacedBare.p99Us) / 1000,
    };
  } finally {
    child.send({ type: 'stop' });
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  console.log(
    JSON.stringify(
      await benchCredentialHttp(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 3)),
      null,
      2,
    ),
  );
}
