import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { AppError } from '../../../errors/index.ts';
import type { SessionPrincipal } from '../../../policy/principal.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';

const Pending = Type.Object({
  challengeId: Type.String(),
  purpose: Type.String(),
  words: Type.String(),
  choices: Type.Array(Type.Integer()),
  context: Type.Record(Type.String(), Type.String()),
  expiresAt: Type.String(),
});
const ERRORS = errorResponses(400, 401, 403, 404, 409, 410, 415, 429);

/** Only a trusted mobile device (a session from the device-key sign-in) sees and answers pushes. */
function requirePhone(p: SessionPrincipal): SessionPrincipal {
  if (p.interface !== 'mobile' || !p.deviceId) throw new AppError('FORBIDDEN');
  return p;
}

/** Push approvals as a phone sees them: pending list, event stream, signed decision. */
export function pushRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { push, hub } = services.authn;
  return async (app) => {
    app.get(
      '/push/pending',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['push'],
          summary: 'Pending approval requests for this phone',
          response: { 200: Type.Object({ pending: Type.Array(Pending) }), ...ERRORS },
        },
      },
      async (req) => ({ pending: await push.pending(requirePhone(requireSession(req)).userId) }),
    );

    app.get(
      '/push/stream',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['push'],
          summary: 'Server-sent events: `push` (a new request), `push_decided`, `alert`',
          querystring: Type.Object({
            maxSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
          }),
          response: { 200: Type.String({ description: 'text/event-stream' }), ...ERRORS },
        },
      },
      async (req, reply) => {
        const p = requirePhone(requireSession(req));
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        const send = (type: string, data: unknown) =>
          raw.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
        for (const pending of await push.pending(p.userId)) send('push', pending);
        const off = hub.subscribe(p.userId, (e) => send(e.type, e.data));
        const end = () => {
          off();
          clearTimeout(timer);
          clearInterval(ping);
          raw.end();
        };
        const timer = setTimeout(end, (req.query.maxSeconds ?? 300) * 1000);
        const ping = setInterval(() => raw.write(': ping\n\n'), 15_000);
        req.raw.on('close', end);
      },
    );

    app.post(
      '/push/:challengeId/decision',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['push'],
          summary: 'Approve or deny with the number picked, signed by the device key',
          params: Type.Object({ challengeId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' }) }),
          body: Type.Object(
            {
              decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
              number: Type.Integer({ minimum: 10, maximum: 99 }),
              userVerified: Type.Boolean(),
              signature: Type.String({ minLength: 1, maxLength: 512 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ status: Type.String() }), ...ERRORS },
        },
      },
      async (req) => {
        const p = requirePhone(requireSession(req));
        const { status } = await push.decide(p, req.params.challengeId, req.body, auditCtx(req));
        return { status };
      },
    );
  };
}
