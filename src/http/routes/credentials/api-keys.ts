import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../../container.ts';
import { auditCtx, requireSession } from '../../context.ts';
import { errorResponses } from '../../schemas.ts';
import { enforceSession } from './fresh-session.ts';
import { ApiKey, KeyIdParam, KeyWithSecret, NewKey, parseTime, Rotation } from './schemas.ts';

const tags = ['api-keys'];

/**
 * API keys, managed by a person only: creating, rotating and resuming need a
 * fresh AAL2 session; revoking and the per-key kill switch need any session.
 * A program's credential on these routes answers ACTION_NOT_DELEGABLE.
 */
export function apiKeyRoutes(services: Services): FastifyPluginAsyncTypebox {
  const keys = services.credentials.apiKeys;
  return async (app) => {
    app.get(
      '/api-keys',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Your API keys, with last use and counters',
          response: { 200: Type.Object({ keys: Type.Array(ApiKey) }), ...errorResponses(401, 403) },
        },
      },
      async (req) => ({
        keys: await keys.list(requireSession(req).userId),
      }),
    );

    app.post(
      '/api-keys',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Create a key (HMAC secret shown once, or register an Ed25519 public key)',
          body: NewKey,
          response: { 201: KeyWithSecret, ...errorResponses(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const session = await enforceSession(services, req, 'add_api_key');
        const b = req.body;
        const created = await keys.create(
          session.userId,
          {
            name: b.name,
            kind: b.kind,
            scopes: b.scopes,
            constraints: b.constraints,
            expiresAt: parseTime(b.expiresAt),
            publicKey: b.publicKey,
          },
          auditCtx(req),
        );
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api-keys/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'One API key',
          params: KeyIdParam,
          response: { 200: ApiKey, ...errorResponses(401, 403, 404) },
        },
      },
      async (req) => keys.get(requireSession(req).userId, req.params.id),
    );

    app.post(
      '/api-keys/:id/rotate',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Issue a new secret; the current one keeps working for the grace window (default 24 h)',
          params: KeyIdParam,
          body: Rotation,
          response: { 200: KeyWithSecret, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const session = await enforceSession(services, req, 'add_api_key');
        const b = req.body;
        return keys.rotate(
          session.userId,
          req.params.id,
          {
            expiresAt: parseTime(b.expiresAt),
            graceMs: b.graceSeconds === undefined ? undefined : b.graceSeconds * 1000,
            publicKey: b.publicKey,
          },
          auditCtx(req),
        );
      },
    );

    app.delete(
      '/api-keys/:id',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Revoke a key at once',
          params: KeyIdParam,
          response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
        },
      },
      async (req, reply) => {
        const session = await enforceSession(services, req, 'revoke_credential');
        await keys.revoke(session.userId, req.params.id, 'revoked_by_owner', auditCtx(req));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api-keys/:id/kill',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Per-key kill switch: suspend the key at once (resume later from a fresh session)',
          params: KeyIdParam,
          response: { 200: ApiKey, ...errorResponses(401, 403, 404) },
        },
      },
      async (req) => {
        const session = await enforceSession(services, req, 'revoke_credential');
        await keys.suspendOwned(session.userId, req.params.id, 'kill_switch_by_owner', auditCtx(req));
        return keys.get(session.userId, req.params.id);
      },
    );

    app.post(
      '/api-keys/:id/resume',
      {
        config: { auth: 'session' },
        schema: {
          tags,
          summary: 'Resume a suspended key',
          params: KeyIdParam,
          response: { 200: ApiKey, ...errorResponses(401, 403, 404, 409) },
        },
      },
      async (req) => {
        const session = await enforceSession(services, req, 'add_api_key');
        return keys.resume(session.userId, req.params.id, auditCtx(req));
      },
    );
  };
}
