import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createServices } from '../../../src/container.ts';
import type { CredentialAction } from '../../../src/credentials/scopes.ts';
import { canonicalString, prepareHmacKey, signEd25519, signHmac } from '../../../src/credentials/signing.ts';
import { buildApp } from '../../../src/http/app.ts';
import type { Store } from '../../../src/store/index.ts';
import { sqliteDb, type TestDb } from '../../support/databases.ts';
import { createUser, type Harness, testConfig } from '../../support/harness.ts';

/**
 * Test-only routes shaped like the trading engineer's (`auth: 'principal'` with a
 * `credentialAction`), so the authentication plugin is tested before they exist.
 */
export const TEST_ROUTES: {
  method: 'GET' | 'POST';
  url: (account: string) => string;
  action: CredentialAction;
}[] = [
  { method: 'GET', url: (a) => `/api/v1/test/accounts/${a}/positions`, action: 'account.read' },
  { method: 'GET', url: (a) => `/api/v1/test/accounts/${a}/orders`, action: 'orders.read' },
  { method: 'POST', url: (a) => `/api/v1/test/accounts/${a}/orders`, action: 'order.place' },
  { method: 'POST', url: (a) => `/api/v1/test/accounts/${a}/flatten`, action: 'position.flatten' },
  { method: 'POST', url: (a) => `/api/v1/test/accounts/${a}/kill-switch`, action: 'account.kill_switch' },
  { method: 'POST', url: (a) => `/api/v1/test/accounts/${a}/withdrawals`, action: 'funds.withdraw' },
  { method: 'POST', url: (a) => `/api/v1/test/accounts/${a}/payees`, action: 'payee.add' },
];

function registerTestRoutes(app: FastifyInstance, hits: { count: number }): void {
  for (const r of TEST_ROUTES) {
    const path = r.url(':id');
    app.route({
      method: r.method,
      url: path,
      config: { auth: 'principal', credentialAction: r.action },
      schema: { hide: true },
      handler: async (req) => {
        hits.count++;
        const p = req.principal!;
        return {
          kind: p.kind,
          userId: p.userId,
          credentialId: p.kind === 'session' ? p.sessionId : p.credentialId,
        };
      },
    });
  }
  app.get(
    '/api/v1/test/instruments',
    { config: { auth: 'principal', credentialAction: 'market_data.read' }, schema: { hide: true } },
    async () => ({ ok: true }),
  );
}

export interface CredHarness extends Harness {
  /** Handler executions of the test routes: a refused request never reaches one. */
  hits: { count: number };
  userId: string;
}

export async function startCredHarness(
  options: { db?: TestDb; env?: Record<string, string>; store?: Store; keepStore?: boolean } = {},
): Promise<CredHarness> {
  const opened = options.store
    ? { store: options.store, drop: async () => {} }
    : await (options.db ?? sqliteDb).open();
  const clock = {
    now: Date.UTC(2026, 10, 2, 14, 30),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const services = await createServices(testConfig(options.env), {
    store: opened.store,
    now: () => clock.now,
  });
  const { app } = await buildApp(services, false);
  const hits = { count: 0 };
  registerTestRoutes(app, hits);
  await app.ready();
  const existing = await services.identity.findUser('alice').catch(() => undefined);
  const userId = existing
    ? existing.id
    : (await createUser({ services, app, clock, close: async () => {} }, 'alice')).id;
  return {
    services,
    app,
    clock,
    hits,
    userId,
    close: async () => {
      await app.close();
      if (!options.keepStore) await opened.drop();
    },
  };
}

/** A desktop session with a fresh second factor (AAL2), as a completed step-up leaves it. */
export async function strongBearer(h: Harness, userId: string): Promise<Record<string, string>> {
  const at = h.clock.now;
  const { token } = await h.services.sessions.create(
    {
      userId,
      interface: 'desktop',
      factors: [
        { method: 'password', at },
        { method: 'totp', at },
      ],
      aal: 2,
      deviceId: null,
      ip: '203.0.113.7',
      userAgent: 'test',
    },
    { ip: '203.0.113.7' },
  );
  return { authorization: `Bearer ${token}` };
}

export const ACC_A = 'acc_A';
export const ACC_B = 'acc_B';

export interface NewKeyBody {
  name?: string;
  kind?: 'hmac' | 'ed25519';
  scopes: string[];
  constraints: Record<string, unknown>;
  publicKey?: string;
  expiresAt?: string;
}

export interface TestKey {
  id: string;
  kind: 'hmac' | 'ed25519';
  signer: KeyObject;
}

export async function createKey(
  h: Harness,
  auth: Record<string, string>,
  body: NewKeyBody,
): Promise<TestKey> {
  const kind = body.kind ?? 'hmac';
  let signer: KeyObject | undefined;
  const payload: Record<string, unknown> = { name: 'bot', ...body, kind };
  if (kind === 'ed25519' && body.publicKey === undefined) {
    const pair = generateKeyPairSync('ed25519');
    signer = pair.privateKey;
    payload['publicKey'] = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: auth, payload });
  if (res.statusCode !== 201) throw new Error(`key creation failed: ${res.body}`);
  const json = res.json();
  return { id: json.key.id, kind, signer: signer ?? prepareHmacKey(json.secret) };
}

export interface SignOptions {
  timestamp?: number;
  nonce?: string;
  ip?: string;
  headers?: Record<string, string>;
  /** Sign this path instead of the one sent. */
  signedPath?: string;
}

export function signHeaders(
  key: TestKey,
  method: string,
  url: string,
  body: string | undefined,
  now: number,
  o: SignOptions = {},
): Record<string, string> {
  const timestamp = o.timestamp ?? now;
  const nonce = o.nonce ?? randomBytes(16).toString('base64url');
  const canonical = canonicalString({ timestamp, nonce, method, pathWithQuery: o.signedPath ?? url, body });
  const signature =
    key.kind === 'hmac' ? signHmac(key.signer, canonical) : signEd25519(key.signer, canonical);
  return {
    'pc-key': key.id,
    'pc-timestamp': String(timestamp),
    'pc-nonce': nonce,
    'pc-signature': signature,
  };
}

/** Sends a request signed with the key, exactly as the SDK would. */
export async function signed(
  h: Harness,
  key: TestKey,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: unknown,
  o: SignOptions = {},
): Promise<LightMyRequestResponse> {
  const body = payload === undefined ? undefined : JSON.stringify(payload);
  return h.app.inject({
    method,
    url,
    headers: {
      ...signHeaders(key, method, url, body, h.clock.now, o),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    },
    ...(body !== undefined ? { payload: body } : {}),
    remoteAddress: o.ip ?? '198.51.100.20',
  });
}

export async function deniedEvents(
  h: Harness,
  name = 'api_key.denied',
): Promise<{ reason: string | null }[]> {
  return h.services.store.db
    .selectFrom('audit_events')
    .select(['reason'])
    .where('name', '=', name)
    .orderBy('seq')
    .execute();
}

export const ORDER = {
  symbol: 'AAPL',
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: '187.25',
  timeInForce: 'day',
};
