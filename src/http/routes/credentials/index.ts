import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../container.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { delegatedTokenRoutes } from './delegated-tokens.ts';
import { oauthGrantRoutes } from './oauth-grants.ts';

/** The routes of API keys, delegated tokens and connected OAuth apps, under /api/v1. */
export function credentialsRoutes(services: Services) {
  return async (api: FastifyInstance): Promise<void> => {
    api.addHook('onClose', async () => services.credentials.close());
    await api.register(apiKeyRoutes(services));
    await api.register(delegatedTokenRoutes(services));
    await api.register(oauthGrantRoutes(services));
  };
}
