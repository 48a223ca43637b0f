import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../container.ts';
import { deviceRoutes } from './devices.ts';
import { factorRoutes } from './factors.ts';
import { pushRoutes } from './push.ts';

/** The routes of factors, devices, push approvals and alerts, under /api/v1. */
export function authnRoutes(services: Services) {
  return async (api: FastifyInstance): Promise<void> => {
    await api.register(factorRoutes(services));
    await api.register(deviceRoutes(services));
    await api.register(pushRoutes(services));
  };
}
