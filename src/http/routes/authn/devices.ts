import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { clearSessionCookie } from '../../plugins/auth.ts';
import { errorResponses, IdParam } from '../../schemas.ts';

const DeviceItem = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  state: Type.String(),
  rememberedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  current: Type.Boolean(),
});
const ERRORS = errorResponses(400, 401, 403, 404, 415);

/** Devices: list, rename, revoke (revoking ends the device's sessions at once); the alerts feed. */
export function deviceRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { devices, policy, notifier } = services.authn;
  return async (app) => {
    app.get(
      '/devices',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['devices'],
          summary: 'Your devices',
          response: { 200: Type.Object({ devices: Type.Array(DeviceItem) }), ...ERRORS },
        },
      },
      async (req) => {
        const p = requireSession(req);
        return { devices: await devices.list(p.userId, p.deviceId) };
      },
    );

    app.patch(
      '/devices/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['devices'],
          summary: 'Rename a device',
          params: IdParam('id', 'dev'),
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f]+$' }) },
            { additionalProperties: false },
          ),
          response: { 200: DeviceItem, ...ERRORS },
        },
      },
      async (req) => devices.rename(requireSession(req).userId, req.params.id, req.body.name, auditCtx(req)),
    );

    app.delete(
      '/devices/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['devices'],
          summary: 'Revoke a device: its sessions end and its push rights stop at once',
          params: IdParam('id', 'dev'),
          response: { 200: Type.Object({ endedSessions: Type.Integer() }), ...ERRORS },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        await policy.enforce(p, 'revoke_device', {}, auditCtx(req));
        const result = await devices.revoke(p.userId, req.params.id, 'user_revoked', auditCtx(req));
        if (p.deviceId === req.params.id) clearSessionCookie(reply);
        return result;
      },
    );

    app.get(
      '/alerts',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['devices'],
          summary:
            'Your alerts feed (new devices, push blocks, recovery-code use, notifications from other domains)',
          response: {
            200: Type.Object({
              alerts: Type.Array(
                Type.Object({
                  id: Type.String(),
                  kind: Type.String(),
                  title: Type.String(),
                  body: Type.String(),
                  createdAt: Type.String(),
                }),
              ),
            }),
            ...ERRORS,
          },
        },
      },
      async (req) => ({ alerts: await notifier.list(requireSession(req).userId) }),
    );
  };
}
