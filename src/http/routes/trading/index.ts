import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../container.ts';
import { accountRoutes } from './accounts.ts';
import { controlRoutes } from './control.ts';
import { fundsRoutes } from './funds.ts';
import { marketRoutes } from './market.ts';
import { orderRoutes } from './orders.ts';
import { streamRoutes } from './stream.ts';

/** The routes of accounts, instruments, quotes, orders, positions, funds, limits and the kill switch, under /api/v1. */
export function tradingRoutes(services: Services) {
  return async (api: FastifyInstance): Promise<void> => {
    api.addHook('onClose', async () => services.trading.stop());
    await api.register(accountRoutes(services));
    await api.register(orderRoutes(services));
    await api.register(controlRoutes(services));
    await api.register(fundsRoutes(services));
    await api.register(marketRoutes(services));
    await api.register(streamRoutes(services));
  };
}
