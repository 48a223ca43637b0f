import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { AuditTrail } from '../../audit/index.ts';

/**
 * Prometheus metrics: request latency by route, sign-in outcomes (fed from the
 * audit trail, so metrics and audit never disagree), and the process defaults.
 */
export function registerMetrics(app: FastifyInstance, audit: AuditTrail): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_' });
  const latency = new Histogram({
    name: 'portcullis_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const logins = new Counter({
    name: 'portcullis_login_outcomes_total',
    help: 'Sign-in step outcomes by result and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [registry],
  });
  const starts = new WeakMap<object, bigint>();
  app.addHook('onRequest', async (req) => {
    starts.set(req, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (req, reply) => {
    const start = starts.get(req);
    if (start === undefined) return;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    latency.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      seconds,
    );
  });
  audit.onAppend((e) => {
    if (e.name === 'login.succeeded') logins.inc({ outcome: 'success', reason: 'none' });
    else if (e.name === 'login.failed' || e.name === 'login.throttled')
      logins.inc({ outcome: 'failure', reason: e.reason ?? 'unknown' });
  });
  return registry;
}
