/**
 * In-process cost of authenticating a program's request on the order path:
 *   - a signed request with an HMAC-SHA256 key, plus the scope check
 *   - a signed request with an Ed25519 key, plus the scope check
 *   - a delegated token, plus the scope and request-constraint checks
 * Each sample is timed on its own with process.hrtime.bigint() after a
 * warm-up; every signed request carries its own nonce so the nonce cache does
 * real work (an in-memory cache; Redis adds a network round trip).
 *
 * Run: node bench/credentials/verify.ts
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { checkRequest } from '../../src/credentials/constraints.ts';
import {
  DelegatedTokenKeys,
  mintDelegatedToken,
  verifyDelegatedToken,
} from '../../src/credentials/delegated-token.ts';
import { scopeAllows } from '../../src/credentials/scopes.ts';
import {
  canonicalString,
  prepareHmacKey,
  type SignedRequest,
  signEd25519,
  signHmac,
  type VerificationKey,
  verifySignedRequest,
} from '../../src/credentials/signing.ts';
import { MemoryNonceCache } from '../../src/limits/nonce-cache.ts';

export interface BenchResult {
  name: string;
  medianUs: number;
  p99Us: number;
  iterations: number;
}

const PATH = '/api/v1/accounts/acc_123/orders';
const BODY = JSON.stringify({
  symbol: 'AAPL',
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: '187.25',
  timeInForce: 'day',
});
const NOW = Date.now();
const SCOPES = ['orders:read', 'trade'];

function summarise(name: string, samples: bigint[]): BenchResult {
  const sorted = samples.map((ns) => Number(ns) / 1000).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { name, medianUs: round(at(0.5)), p99Us: round(at(0.99)), iterations: sorted.length };
}

function round(us: number): number {
  return Math.round(us * 100) / 100;
}

/** Pre-signs `count` distinct requests (one nonce each) so signing is not measured. */
function signedRequests(keyId: string, count: number, sign: (canonical: string) => string): SignedRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const nonce = `n${i.toString(36).padStart(8, '0')}${randomBytes(6).toString('base64url')}`;
    const canonical = canonicalString({
      timestamp: NOW,
      nonce,
      method: 'POST',
      pathWithQuery: PATH,
      body: BODY,
    });
    return {
      headers: { key: keyId, timestamp: String(NOW), nonce, signature: sign(canonical) },
      method: 'POST',
      pathWithQuery: PATH,
      body: BODY,
    };
  });
}

async function benchSigned(name: string, key: VerificationKey, sign: (c: string) => string, samples: number) {
  const warmup = Math.min(5000, samples);
  const requests = signedRequests('key_bench', warmup + samples, sign);
  const options = { now: NOW, resolveKey: () => [key], nonces: new MemoryNonceCache() };
  const times: bigint[] = [];
  for (let i = 0; i < requests.length; i++) {
    const start = process.hrtime.bigint();
    const result = await verifySignedRequest(requests[i]!, options);
    const allowed = result.ok && scopeAllows(SCOPES, 'order.place');
    const end = process.hrtime.bigint();
    if (!allowed) throw new Error(`${name}: verification failed`);
    if (i >= warmup) times.push(end - start);
  }
  return summarise(name, times);
}

function benchToken(samples: number): BenchResult {
  const keys = new DelegatedTokenKeys([{ kid: 'bench', secret: randomBytes(32) }]);
  const currentEpoch = () => 7;
  const minted = mintDelegatedToken(keys, {
    userId: 'usr_1',
    scopes: SCOPES,
    constraints: {
      accounts: ['acc_123'],
      environment: 'live',
      assetClasses: ['stock', 'etf'],
      symbols: ['AAPL', 'MSFT'],
      maxOrderNotional: '50000',
      ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'],
    },
    now: NOW,
    currentEpoch,
  });
  if (!minted.ok) throw new Error('mint failed');
  const context = { accountId: 'acc_123', environment: 'live' as const, ip: '203.0.113.9' };
  const times: bigint[] = [];
  for (let i = 0; i < 5000 + samples; i++) {
    const start = process.hrtime.bigint();
    const token = verifyDelegatedToken(keys, minted.token, { now: NOW, currentEpoch });
    const allowed =
      token.ok && scopeAllows(token.scopes, 'order.place') && checkRequest(token.constraints, context).ok;
    const end = process.hrtime.bigint();
    if (!allowed) throw new Error('token verification failed');
    if (i >= 5000) times.push(end - start);
  }
  return summarise('delegated token (HS256) + scope + request constraints', times);
}

export async function benchSignedVerify(): Promise<BenchResult[]> {
  const hmac: VerificationKey = { kind: 'hmac', key: prepareHmacKey(randomBytes(32)) };
  const ed = generateKeyPairSync('ed25519');
  const edKey: VerificationKey = { kind: 'ed25519', key: ed.publicKey };
  return [
    await benchSigned('signed request HMAC-SHA256 + scope', hmac, (c) => signHmac(hmac.key, c), 20_000),
    await benchSigned('signed request Ed25519 + scope', edKey, (c) => signEd25519(ed.privateKey, c), 20_000),
    benchToken(20_000),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await benchSignedVerify();
  console.table(results);
}
