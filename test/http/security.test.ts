import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createServices } from '../../src/container.ts';
import { buildApp } from '../../src/http/app.ts';
import { securityHeaders } from '../../src/http/plugins/security-headers.ts';
import { createLogger } from '../../src/logger.ts';
import { openStore } from '../../src/store/index.ts';
import {
  createUser,
  type Harness,
  PASSWORD,
  startFlow,
  startHarness,
  submitPassword,
  testConfig,
} from '../support/harness.ts';

describe('HTTP hardening', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('responses carry CSP with frame-ancestors none, nosniff, no-store and a request id', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS on plain-http localhost');
  });

  test('a well-formed incoming request id is kept; a malformed one is replaced', async () => {
    const kept = await h.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123' },
    });
    assert.equal(kept.headers['x-request-id'], 'abc-123');
    const replaced = await h.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    assert.notEqual(replaced.headers['x-request-id'], 'bad id\nwith newline');
  });

  test('unknown routes, bad JSON and wrong media types answer the one error shape with stable codes', async () => {
    const nf = await h.app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json().error.code, 'NOT_FOUND');
    assert.equal(nf.json().error.requestId, nf.headers['x-request-id']);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login/flows',
      headers: { 'content-type': 'application/json' },
      payload: '{"interface":',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'INVALID_JSON');
    const media = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login/flows',
      headers: { 'content-type': 'application/xml' },
      payload: '<x/>',
    });
    assert.equal(media.statusCode, 415);
    assert.equal(media.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
    const invalid = await h.app.inject({
      method: 'POST',
      url: '/api/v1/login/flows',
      payload: { interface: 'fax' },
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
    assert.ok(Array.isArray(invalid.json().error.details.issues));
  });

  test('HSTS is sent when the public origin is https', async () => {
    const hs = await startHarness({ env: { PORTCULLIS_PUBLIC_ORIGIN: 'https://broker.example' } });
    const res = await hs.app.inject({ method: 'GET', url: '/healthz' });
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
    await hs.close();
  });

  test('readiness reports the database; metrics expose request latency and sign-in outcomes', async () => {
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    assert.deepEqual(ready.json(), { status: 'ready', database: 'sqlite' });
    await createUser(h, 'mira');
    await submitPassword(h, await startFlow(h), 'mira', 'wrong password here');
    await submitPassword(h, await startFlow(h), 'mira', PASSWORD);
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(
      metrics.body,
      /portcullis_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/login\/flows"/,
    );
    assert.match(
      metrics.body,
      /portcullis_login_outcomes_total\{outcome="failure",reason="WRONG_PASSWORD"\} 1/,
    );
    assert.match(metrics.body, /portcullis_login_outcomes_total\{outcome="success",reason="none"\} 1/);
  });

  test('the OpenAPI 3.1 document lists the routes and the rendered reference is served', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    for (const path of [
      '/api/v1/login/flows',
      '/api/v1/login/flows/{id}/password',
      '/api/v1/me',
      '/api/v1/sessions/revoke-all',
      '/api/v1/audit/events',
    ]) {
      assert.ok(doc.paths[path], path);
    }
    const ui = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });

  test('logs never contain the password, the session token or the cookie', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const services = await createServices(testConfig(), { store: openStore('sqlite::memory:') });
    const { app } = await buildApp(services, createLogger('trace', sink));
    await services.identity.createUser({ loginName: 'logan', password: PASSWORD });
    const flow = (
      await app.inject({ method: 'POST', url: '/api/v1/login/flows', payload: { interface: 'mobile' } })
    ).json();
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/login/flows/${flow.id}/password`,
      payload: { identifier: 'logan', password: PASSWORD },
    });
    const token = res.json().session.token as string;
    await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}`, cookie: `__Host-pc_session=${token}` },
    });
    await app.close();
    await services.close();
    const all = lines.join('');
    assert.ok(lines.length > 3, 'the logger wrote request logs');
    assert.ok(!all.includes(PASSWORD));
    assert.ok(!all.includes(token));
  });
});

test('the security headers are computed once from helmet and carry the policy on every answer', () => {
  const headers = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
  });
  assert.equal(headers['content-security-policy'], "default-src 'self';frame-ancestors 'none'");
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  assert.equal(headers['x-powered-by'], undefined);
  assert.throws(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['self'] } } }));
});
