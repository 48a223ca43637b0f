import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Services } from '../container.ts';
import { registerAuth } from './plugins/auth.ts';
import { frameworkErrorHandler, registerErrorHandling } from './plugins/errors.ts';
import { registerMetrics } from './plugins/metrics.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import { adminRoutes } from './routes/admin.ts';
import { auditRoutes } from './routes/audit.ts';
import { authnRoutes } from './routes/authn/index.ts';
import { credentialsRoutes } from './routes/credentials/index.ts';
import { oauthRoutes } from './routes/credentials/oauth.ts';
import { loginRoutes } from './routes/login.ts';
import { meRoutes } from './routes/me.ts';
import { opsRoutes, type Readiness } from './routes/ops.ts';
import { tradingRoutes } from './routes/trading/index.ts';
import { webRoutes } from './routes/web.ts';
import { ErrorBody } from './schemas.ts';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface BuiltApp {
  app: FastifyInstance;
  readiness: Readiness;
}

/** Builds the Fastify app: shared infrastructure first, then one plugin per resource. */
export async function buildApp(services: Services, logger: Logger | false): Promise<BuiltApp> {
  const { config } = services;
  const app = Fastify({
    ...(logger ? { loggerInstance: logger as unknown as FastifyBaseLogger } : { logger: false }),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const readiness: Readiness = { shuttingDown: false };
  app.addSchema(ErrorBody);
  registerErrorHandling(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('cache-control', 'no-store');
  });

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: config.publicOrigin.startsWith('https:')
      ? { maxAge: 31536000, includeSubDomains: true }
      : false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Portcullis API',
        version: '1',
        description:
          'Secure access to brokerage accounts. Errors share one shape; codes are listed in docs/errors.md.',
      },
      components: {
        securitySchemes: {
          portalCookie: { type: 'apiKey', in: 'cookie', name: '__Host-pc_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });

  const registry = registerMetrics(app, services.audit);
  registerAuth(app, services);

  await app.register(opsRoutes(services, registry, readiness));
  await app.register(oauthRoutes(services));
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(
    async (api) => {
      await api.register(loginRoutes(services));
      await api.register(meRoutes(services));
      await api.register(auditRoutes(services));
      await api.register(adminRoutes(services));
      await api.register(authnRoutes(services));
      await api.register(tradingRoutes(services));
      await api.register(credentialsRoutes(services));
    },
    { prefix: '/api/v1' },
  );
  await app.register(webRoutes());
  return { app, readiness };
}
