import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { type Config, resolveConfig } from '../../src/config/index.ts';
import { loadRawConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/container.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Store } from '../../src/store/index.ts';
import { sqliteDb, type TestDb } from './databases.ts';

export const TEST_KEK = `test:${Buffer.alloc(32, 7).toString('base64url')}`;

/** Cheap argon2 parameters keep tests fast; production defaults are covered by the benchmark. */
export function testConfig(env: Record<string, string> = {}): Config {
  return resolveConfig(
    loadRawConfig({
      NODE_ENV: 'test',
      PORTCULLIS_DATA_DIR: mkdtempSync(join(tmpdir(), 'portcullis-test-')),
      PORTCULLIS_KEK: TEST_KEK,
      PORTCULLIS_ARGON2_MEMORY_KIB: '8192',
      PORTCULLIS_ARGON2_TIME_COST: '1',
      PORTCULLIS_DEMO_USER: 'false',
      PORTCULLIS_LOG_LEVEL: 'silent',
      ...env,
    }),
  );
}

export interface Harness {
  services: Services;
  app: FastifyInstance;
  clock: { now: number; advance(ms: number): void };
  close(): Promise<void>;
}

/** A whole app in-process on a real database, with a controllable clock. */
export async function startHarness(
  options: { db?: TestDb; env?: Record<string, string>; store?: Store } = {},
): Promise<Harness> {
  // A given store is shared with another node (several nodes, one database); it is closed with this one.
  const given = options.store;
  const { store, drop } = given
    ? { store: given, drop: () => given.close() }
    : await (options.db ?? sqliteDb).open();
  const clock = {
    now: Date.UTC(2026, 10, 2, 14, 30),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const services = await createServices(testConfig(options.env), { store, now: () => clock.now });
  const { app } = await buildApp(services, false);
  await app.ready();
  return {
    services,
    app,
    clock,
    close: async () => {
      await app.close();
      services.authn.hub.close();
      await drop();
    },
  };
}

export const PASSWORD = 'correct horse battery staple 42';

export async function createUser(
  h: Harness,
  loginName = 'alice',
  extra: { isAdmin?: boolean; email?: string } = {},
) {
  return h.services.identity.createUser({
    loginName,
    email: extra.email ?? `${loginName}@example.com`,
    password: PASSWORD,
    isAdmin: extra.isAdmin ?? false,
  });
}

export interface PortalSession {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

export async function startFlow(
  h: Harness,
  iface: 'portal' | 'mobile' | 'desktop' = 'portal',
  ip = '203.0.113.7',
): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login/flows',
    payload: { interface: iface },
    remoteAddress: ip,
  });
  if (res.statusCode !== 201) throw new Error(`flow start failed: ${res.body}`);
  return res.json().id as string;
}

export async function submitPassword(
  h: Harness,
  flowId: string,
  identifier: string,
  password: string,
  ip = '203.0.113.7',
): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: `/api/v1/login/flows/${flowId}/password`,
    payload: { identifier, password },
    remoteAddress: ip,
  });
}

export async function loginPortal(
  h: Harness,
  loginName = 'alice',
  password = PASSWORD,
): Promise<PortalSession> {
  const res = await submitPassword(h, await startFlow(h, 'portal'), loginName, password);
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  const set = res.cookies.find((c) => c.name === '__Host-pc_session');
  if (!set) throw new Error('no session cookie');
  const csrf = res.json().session.csrfToken as string;
  return {
    cookie: set.value,
    csrf,
    headers: { cookie: `__Host-pc_session=${set.value}`, 'x-csrf-token': csrf },
  };
}

export async function loginBearer(
  h: Harness,
  iface: 'mobile' | 'desktop',
  loginName = 'alice',
): Promise<string> {
  const res = await submitPassword(h, await startFlow(h, iface), loginName, PASSWORD);
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return res.json().session.token as string;
}
