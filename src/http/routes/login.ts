import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../container.ts';
import { SessionService } from '../../sessions/index.ts';
import { auditCtx } from '../context.ts';
import { setSessionCookie } from '../plugins/auth.ts';
import { errorResponses, IdParam, Interface } from '../schemas.ts';

const Flow = Type.Object({
  id: Type.String(),
  interface: Interface,
  purpose: Type.Literal('login'),
  state: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  methods: Type.Array(Type.String()),
});

const Completion = Type.Object({
  flow: Flow,
  session: Type.Optional(
    Type.Object({
      token: Type.Optional(Type.String({ description: 'Bearer token (mobile and desktop only; the portal gets a cookie).' })),
      id: Type.String(),
      expiresAt: Type.String({ format: 'date-time' }),
      aal: Type.Integer(),
      csrfToken: Type.Optional(Type.String({ description: 'Portal only: send as X-CSRF-Token on state-changing requests.' })),
    }),
  ),
});

const FlowId = IdParam('id', 'flw');

/** Sign-in flows of API.md, for every interactive way in. */
export function loginRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/login/flows',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Start a sign-in flow',
          body: Type.Object(
            {
              interface: Interface,
              device: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Flow, ...errorResponses(400, 415, 429) },
        },
      },
      async (req, reply) => {
        const flow = await services.flows.start(req.body, auditCtx(req));
        return reply.status(201).send(flow);
      },
    );

    app.get(
      '/login/flows/:id',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Current state of a sign-in flow',
          params: FlowId,
          response: { 200: Flow, ...errorResponses(400, 404) },
        },
      },
      async (req) => services.flows.get(req.params.id),
    );

    app.post(
      '/login/flows/:id/password',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'First factor: login name (or email) and password',
          params: FlowId,
          body: Type.Object(
            {
              identifier: Type.String({ minLength: 1, maxLength: 320 }),
              password: Type.String({ minLength: 1, maxLength: 4096 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Completion, ...errorResponses(400, 401, 404, 409, 410, 415, 429) },
        },
      },
      async (req, reply) => {
        const result = await services.flows.submitPassword(req.params.id, req.body, auditCtx(req));
        if (!result.session) return { flow: result.flow };
        const { token, ...session } = result.session;
        if (result.flow.interface === 'portal') {
          setSessionCookie(reply, token);
          return { flow: result.flow, session: { ...session, csrfToken: SessionService.csrfTokenFor(token) } };
        }
        return { flow: result.flow, session: { ...session, token } };
      },
    );
  };
}
