import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { AppError } from '../../../errors/index.ts';
import type { Action } from '../../../policy/actions.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { errorResponses, IdParam } from '../../schemas.ts';

const FactorItem = Type.Object({
  id: Type.String(),
  method: Type.String(),
  label: Type.String(),
  status: Type.String(),
  deviceId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  remainingCodes: Type.Optional(Type.Integer()),
});
const Label = Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f]+$' });
const AnyObject = Type.Object({}, { additionalProperties: true });
const ERRORS = errorResponses(400, 401, 403, 404, 409, 415, 429);

/** Factor management of API.md: list, enrol and confirm, recovery codes, remove. */
export function factorRoutes(services: Services): FastifyPluginAsyncTypebox {
  const { factors, policy, devices } = services.authn;

  /** A set-up session (no second factor yet) may enrol its first; otherwise adding one is a fresh-AAL2 action. */
  const allowEnrolment = async (req: FastifyRequest, later: Action = 'add_factor') => {
    const p = requireSession(req);
    const first = !(await factors.hasSecondFactor(p.userId));
    await policy.enforce(p, first ? 'enroll_first_factor' : later, {}, auditCtx(req));
    return { p, first };
  };

  return async (app) => {
    app.get(
      '/factors',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Your second factors',
          response: { 200: Type.Object({ factors: Type.Array(FactorItem) }), ...ERRORS },
        },
      },
      async (req) => ({ factors: await factors.list(requireSession(req).userId) }),
    );

    app.post(
      '/factors/totp/enrollments',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Start an authenticator-app enrolment (otpauth:// URI and QR code)',
          body: Type.Optional(Type.Object({ label: Type.Optional(Label) }, { additionalProperties: false })),
          response: {
            201: Type.Object({
              id: Type.String(),
              method: Type.String(),
              uri: Type.String(),
              secret: Type.String(),
              qr: Type.Object({ pngDataUrl: Type.String(), svg: Type.String() }),
            }),
            ...ERRORS,
          },
        },
      },
      async (req, reply) => {
        const { p } = await allowEnrolment(req);
        const user = await services.identity.getUser(p.userId);
        return reply
          .status(201)
          .send(await factors.enrollTotp(user, req.body?.label ?? 'Authenticator app', auditCtx(req)));
      },
    );

    app.post(
      '/factors/webauthn/enrollments',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Start a security key or passkey registration (creation options)',
          body: Type.Optional(Type.Object({ label: Type.Optional(Label) }, { additionalProperties: false })),
          response: {
            201: Type.Object({ id: Type.String(), method: Type.String(), options: AnyObject }),
            ...ERRORS,
          },
        },
      },
      async (req, reply) => {
        const { p } = await allowEnrolment(req);
        const user = await services.identity.getUser(p.userId);
        return reply
          .status(201)
          .send(await factors.enrollWebAuthn(user, req.body?.label ?? 'Security key', auditCtx(req)));
      },
    );

    app.post(
      '/factors/sms/enrollments',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Enrol a phone number for text-message codes (restricted; shows the SIM-swap warning)',
          body: Type.Object(
            { phone: Type.String({ minLength: 8, maxLength: 32 }) },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({
              id: Type.String(),
              method: Type.String(),
              phone: Type.String(),
              warning: Type.String(),
              expiresAt: Type.String(),
            }),
            ...ERRORS,
            ...errorResponses(502),
          },
        },
      },
      async (req, reply) => {
        if (!factors.smsEnabled) throw new AppError('SMS_DISABLED');
        const { p } = await allowEnrolment(req);
        return reply.status(201).send(await factors.enrollSms(p.userId, req.body.phone, auditCtx(req)));
      },
    );

    app.post(
      '/factors/:method/enrollments/:id/confirm',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Confirm a TOTP, WebAuthn or SMS enrolment (a code, or the registration response)',
          params: Type.Object({
            method: Type.Union([Type.Literal('totp'), Type.Literal('webauthn'), Type.Literal('sms')]),
            id: Type.String({ pattern: '^fct_[A-Za-z0-9_-]{22}$' }),
          }),
          body: Type.Object(
            {
              code: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
              response: Type.Optional(AnyObject),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ factor: FactorItem, recoveryCodes: Type.Optional(Type.Array(Type.String())) }),
            ...ERRORS,
          },
        },
      },
      async (req) => {
        const p = requireSession(req);
        const first = !(await factors.hasSecondFactor(p.userId));
        const factor = await factors.confirm(p.userId, req.params.id, req.body, auditCtx(req));
        if (factor.method !== req.params.method) throw new AppError('ENROLLMENT_NOT_FOUND');
        const hasCodes = (await factors.list(p.userId)).some((f) => f.method === 'recovery_code');
        if (first && !hasCodes)
          return {
            factor,
            recoveryCodes: (await factors.regenerateRecoveryCodes(p.userId, auditCtx(req))).codes,
          };
        return { factor };
      },
    );

    for (const kind of ['mobile', 'desktop'] as const) {
      app.post(
        `/factors/${kind}/enrollments`,
        {
          config: { auth: 'session' },
          schema: {
            tags: ['factors'],
            summary: `Create a single-use ${kind} enrolment code and QR (10 minutes)`,
            response: {
              201: Type.Object({
                id: Type.String(),
                kind: Type.String(),
                code: Type.String(),
                uri: Type.String(),
                qr: Type.Object({ pngDataUrl: Type.String() }),
                expiresAt: Type.String(),
              }),
              ...ERRORS,
            },
          },
        },
        async (req, reply) => {
          const { p } = await allowEnrolment(req, 'add_device');
          return reply.status(201).send(await devices.createEnrollment(p.userId, kind, auditCtx(req)));
        },
      );

      app.post(
        `/factors/${kind}/enrollments/:id/confirm`,
        {
          schema: {
            tags: ['factors'],
            summary: `The ${kind} client registers its public key with a proof over the enrolment code`,
            params: IdParam('id', 'enr'),
            body: Type.Object(
              {
                code: Type.String({ minLength: 43, maxLength: 43, pattern: '^[A-Za-z0-9_-]+$' }),
                publicKey: Type.String({ minLength: 40, maxLength: 2048 }),
                name: Label,
                keyRequiresUserVerification: Type.Optional(Type.Boolean()),
                replacesDeviceId: Type.Optional(Type.String({ pattern: '^dev_[A-Za-z0-9_-]{22}$' })),
                proof: Type.Object(
                  {
                    deviceId: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' }),
                    timestamp: Type.Integer({ minimum: 0 }),
                    signature: Type.String({ minLength: 1, maxLength: 512 }),
                  },
                  { additionalProperties: false },
                ),
              },
              { additionalProperties: false },
            ),
            response: { 201: Type.Object({ deviceId: Type.String(), keyId: Type.String() }), ...ERRORS },
          },
        },
        async (req, reply) => {
          const { userId: _u, ...out } = await devices.claimEnrollment(
            {
              ...req.body,
              id: req.params.id,
              keyRequiresUserVerification: req.body.keyRequiresUserVerification ?? false,
            },
            auditCtx(req),
          );
          return reply.status(201).send(out);
        },
      );
    }

    app.post(
      '/factors/recovery-codes',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Regenerate the ten recovery codes (shown once; needs a fresh strong session)',
          response: { 201: Type.Object({ codes: Type.Array(Type.String()) }), ...ERRORS },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        await policy.enforce(p, 'add_factor', {}, auditCtx(req));
        return reply.status(201).send(await factors.regenerateRecoveryCodes(p.userId, auditCtx(req)));
      },
    );

    app.delete(
      '/factors/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags: ['factors'],
          summary: 'Remove a second factor (needs a fresh strong session)',
          params: IdParam('id', 'fct'),
          response: { 204: Type.Null(), ...ERRORS },
        },
      },
      async (req, reply) => {
        const p = requireSession(req);
        await policy.enforce(p, 'add_factor', {}, auditCtx(req));
        await factors.remove(p.userId, req.params.id, auditCtx(req));
        return reply.status(204).send(null);
      },
    );
  };
}
