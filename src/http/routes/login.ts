import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FlowCompletion } from '../../authn/flows/context.ts';
import type { Services } from '../../container.ts';
import { AppError } from '../../errors/index.ts';
import { ACTIONS, type Action } from '../../policy/actions.ts';
import type { SessionPrincipal } from '../../policy/principal.ts';
import { SessionService } from '../../sessions/index.ts';
import { safeEqual } from '../../store/ids.ts';
import { auditCtx } from '../context.ts';
import { CSRF_HEADER, SESSION_COOKIE, setSessionCookie } from '../plugins/auth.ts';
import { errorResponses, IdParam, Interface } from '../schemas.ts';

export const DEVICE_COOKIE = '__Host-pc_device';

const Flow = Type.Object({
  id: Type.String(),
  interface: Interface,
  purpose: Type.Union([Type.Literal('login'), Type.Literal('step_up')]),
  action: Type.Optional(Type.String()),
  state: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  methods: Type.Array(Type.String()),
  deviceChallenge: Type.Optional(Type.Object({ challenge: Type.String(), expiresAt: Type.String() })),
  push: Type.Optional(
    Type.Object({ challengeId: Type.String(), number: Type.Integer(), expiresAt: Type.String() }),
  ),
});

const SessionOut = Type.Optional(
  Type.Object({
    token: Type.Optional(
      Type.String({ description: 'Bearer token (mobile and desktop only; the portal gets a cookie).' }),
    ),
    id: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
    aal: Type.Integer(),
    csrfToken: Type.Optional(
      Type.String({ description: 'Portal only: send as X-CSRF-Token on state-changing requests.' }),
    ),
  }),
);

const Completion = Type.Object({ flow: Flow, session: SessionOut });

/** GET answers the flow itself; once an approved push completes it, also the session. */
const FlowState = Type.Object({ ...Flow.properties, session: SessionOut });

const FlowId = IdParam('id', 'flw');
const Code = (max: number) => Type.String({ minLength: 1, maxLength: max });
const STEP_ERRORS = errorResponses(400, 401, 403, 404, 409, 410, 415, 429);
const ActionName = Type.Union(Object.keys(ACTIONS).map((a) => Type.Literal(a)));

/**
 * The caller's session on a public route (step-up flows), with the portal's CSRF check. A stale,
 * revoked or CSRF-less session counts as none: a browser still holding an old cookie must be able to
 * sign in again, and a step-up flow then refuses it (FORBIDDEN) because the session does not match.
 */
async function optionalSession(req: FastifyRequest, services: Services): Promise<SessionPrincipal | null> {
  try {
    const header = req.headers.authorization;
    const bearer = header ? /^Bearer ([A-Za-z0-9_-]{43})$/.exec(header)?.[1] : undefined;
    if (bearer) return await services.sessions.authenticate(bearer, 'bearer');
    const cookie = req.cookies[SESSION_COOKIE];
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
    const sent = req.headers[CSRF_HEADER];
    const csrfOk = typeof sent === 'string' && safeEqual(sent, SessionService.csrfTokenFor(cookie));
    if (req.method !== 'GET' && !csrfOk) return null;
    return await services.sessions.authenticate(cookie, 'cookie');
  } catch (e) {
    if (e instanceof AppError) return null;
    throw e;
  }
}

/** Hands a completed flow's session to the client: a cookie for the portal, a bearer token otherwise. */
function deliver(reply: FastifyReply, result: FlowCompletion) {
  if (result.deviceCookie) {
    reply.setCookie(DEVICE_COOKIE, result.deviceCookie, {
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      maxAge: 400 * 86_400,
    });
  }
  if (!result.session) return { flow: result.flow };
  const { token, ...session } = result.session;
  if (result.flow.interface === 'portal') {
    setSessionCookie(reply, token);
    return { flow: result.flow, session: { ...session, csrfToken: SessionService.csrfTokenFor(token) } };
  }
  return { flow: result.flow, session: { ...session, token } };
}

/** Sign-in and step-up flows of API.md, for every interactive way in. */
export function loginRoutes(services: Services): FastifyPluginAsyncTypebox {
  const steps = services.authn.steps;
  return async (app) => {
    const ctxOf = async (req: FastifyRequest) => {
      const caller = await optionalSession(req, services);
      return {
        ...auditCtx(req),
        callerSessionId: caller?.sessionId ?? null,
        actorUserId: caller?.userId ?? null,
      };
    };

    app.post(
      '/login/flows',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Start a sign-in flow, or a step-up flow from an existing session',
          body: Type.Object(
            {
              interface: Interface,
              device: Type.Optional(
                Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' }),
              ),
              purpose: Type.Optional(Type.Union([Type.Literal('login'), Type.Literal('step_up')])),
              action: Type.Optional(ActionName),
              remember: Type.Optional(
                Type.Boolean({ description: 'Portal: remember this browser after the second factor.' }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 201: Flow, ...errorResponses(400, 401, 403, 415, 429) },
        },
      },
      async (req, reply) => {
        const body = req.body;
        if (body.purpose === 'step_up') {
          const caller = await optionalSession(req, services);
          if (!caller) throw new AppError('UNAUTHENTICATED');
          if (caller.interface !== body.interface) throw new AppError('FORBIDDEN');
          const action = (body.action ?? 'add_factor') as Action;
          const decision = services.authn.policy.decide(caller, action, {});
          const wanted =
            decision.outcome === 'step_up' ? decision.requirement.methods : ['totp', 'webauthn', 'push'];
          const have = await services.authn.factors.activeMethods(caller.userId);
          const methods = have.filter((m) => wanted.includes(m));
          if (methods.length === 0) throw new AppError('SECOND_FACTOR_REQUIRED');
          const flow = await services.flows.start(
            {
              interface: body.interface,
              stepUp: { userId: caller.userId, sessionId: caller.sessionId, action, context: { methods } },
            },
            { ...auditCtx(req), actorUserId: caller.userId },
          );
          return reply.status(201).send(flow);
        }
        const browser =
          body.interface === 'portal'
            ? await services.authn.devices.recognizeBrowser(req.cookies[DEVICE_COOKIE])
            : undefined;
        const flow = await services.flows.start(
          {
            interface: body.interface,
            device: body.device,
            context: {
              ...(browser ? { browserDeviceId: browser.id } : {}),
              ...(body.remember ? { remember: true } : {}),
            },
          },
          auditCtx(req),
        );
        return reply.status(201).send(flow);
      },
    );

    app.get(
      '/login/flows/:id',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Current state of a flow; long-polls with ?wait=seconds while a push is pending',
          params: FlowId,
          querystring: Type.Object({ wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 25 })) }),
          response: { 200: FlowState, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => {
        const wait = req.query.wait ?? 0;
        const ctx = await ctxOf(req);
        let result = await steps.poll(req.params.id, ctx, ctx.callerSessionId);
        const pending =
          wait > 0 && result.flow.state === 'push_pending' ? await steps.devicePushWait(req.params.id) : null;
        if (pending) {
          await services.authn.hub.waitForDecision(pending.userId, pending.challengeId, wait * 1000);
          result = await steps.poll(req.params.id, ctx, ctx.callerSessionId);
        }
        const out = deliver(reply, result);
        return { ...out.flow, ...('session' in out ? { session: out.session } : {}) };
      },
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
      async (req, reply) =>
        deliver(reply, await services.flows.submitPassword(req.params.id, req.body, auditCtx(req))),
    );

    const codeStep = (
      path: string,
      summary: string,
      max: number,
      run: (id: string, code: string, ctx: Awaited<ReturnType<typeof ctxOf>>) => Promise<FlowCompletion>,
    ) =>
      app.post(
        `/login/flows/:id/${path}`,
        {
          schema: {
            tags: ['sign-in'],
            summary,
            params: FlowId,
            body: Type.Object({ code: Code(max) }, { additionalProperties: false }),
            response: { 200: Completion, ...STEP_ERRORS },
          },
        },
        async (req, reply) => deliver(reply, await run(req.params.id, req.body.code, await ctxOf(req))),
      );
    codeStep('totp', 'Second factor: authenticator-app code', 16, (id, code, ctx) =>
      steps.totp(id, code, ctx),
    );
    codeStep('recovery-code', 'Second factor: a single-use recovery code', 32, (id, code, ctx) =>
      steps.recoveryCode(id, code, ctx),
    );
    codeStep('sms', 'Second factor (restricted): the code from the text message', 16, (id, code, ctx) =>
      steps.sms(id, code, ctx),
    );

    app.post(
      '/login/flows/:id/sms/send',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Send a text-message code (only where SMS is enabled)',
          params: FlowId,
          response: {
            200: Type.Object({ phone: Type.String(), expiresAt: Type.String() }),
            ...STEP_ERRORS,
            ...errorResponses(502),
          },
        },
      },
      async (req) => steps.sendSms(req.params.id, await ctxOf(req)),
    );

    app.post(
      '/login/flows/:id/webauthn/options',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'WebAuthn request options for a security key or passkey',
          params: FlowId,
          response: { 200: Type.Object({}, { additionalProperties: true }), ...STEP_ERRORS },
        },
      },
      async (req) => steps.webauthnOptions(req.params.id),
    );

    app.post(
      '/login/flows/:id/webauthn',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Second factor: the security key or passkey assertion',
          params: FlowId,
          body: Type.Object(
            {
              response: Type.Object({ id: Type.String({ maxLength: 1400 }) }, { additionalProperties: true }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Completion, ...STEP_ERRORS },
        },
      },
      async (req, reply) =>
        deliver(reply, await steps.webauthn(req.params.id, req.body.response as never, await ctxOf(req))),
    );

    app.post(
      '/login/flows/:id/push',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Send a push approval; show the returned number on screen',
          params: FlowId,
          response: {
            200: Type.Object({
              challengeId: Type.String(),
              number: Type.Integer(),
              expiresAt: Type.String(),
            }),
            ...STEP_ERRORS,
          },
        },
      },
      async (req) => steps.sendPush(req.params.id, await ctxOf(req)),
    );

    app.post(
      '/login/flows/:id/device-proof',
      {
        schema: {
          tags: ['sign-in'],
          summary: 'Mobile or desktop: the device key signs the flow challenge with its clock',
          params: FlowId,
          body: Type.Object(
            {
              deviceId: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' }),
              timestamp: Type.Integer({ minimum: 0 }),
              signature: Type.String({ minLength: 1, maxLength: 512 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Completion, ...STEP_ERRORS },
        },
      },
      async (req, reply) =>
        deliver(reply, await steps.deviceProof(req.params.id, req.body, await ctxOf(req))),
    );
  };
}
