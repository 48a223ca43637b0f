/**
 * Order flow: duplicates, the order-rate throttle, and the limits of the
 * credential (API key or delegated token) the order came through.
 */

import { deny, type RiskCheck } from '../check.ts';
import { orderFingerprint } from '../exposure.ts';

export const duplicateCheck: RiskCheck = {
  name: 'duplicate',
  codes: ['DUPLICATE_ORDER'],
  description:
    'No order with the same symbol, side, type, quantity and prices accepted within the duplicate window.',
  run({ order, state, ctx }) {
    const last = state.lastAcceptedAt(orderFingerprint(order));
    if (last === undefined) return null;
    const since = ctx.now - last;
    if (since >= ctx.limits.duplicateWindowMs) return null;
    return deny('duplicate', 'DUPLICATE_ORDER', 'An identical order was accepted moments ago.', {
      since_ms: since,
      window_ms: ctx.limits.duplicateWindowMs,
    });
  },
};

export const throttleCheck: RiskCheck = {
  name: 'throttle',
  codes: ['ORDER_RATE_EXCEEDED'],
  description: 'At most maxOrders accepted orders in any sliding window of windowMs.',
  run({ state, ctx }) {
    const { maxOrders, windowMs } = ctx.limits.throttle;
    const nth = state.recentAcceptance(maxOrders);
    if (nth === undefined || ctx.now - nth >= windowMs) return null;
    return deny('throttle', 'ORDER_RATE_EXCEEDED', 'Too many orders in a short time.', {
      max_orders: maxOrders,
      window_ms: windowMs,
      retry_after_ms: windowMs - (ctx.now - nth),
    });
  },
};

export const credentialLimitsCheck: RiskCheck = {
  name: 'credential_limits',
  codes: [
    'CREDENTIAL_SYMBOL_NOT_ALLOWED',
    'CREDENTIAL_ASSET_CLASS_NOT_ALLOWED',
    'CREDENTIAL_ORDER_TYPE_NOT_ALLOWED',
    'CREDENTIAL_REDUCE_ONLY',
    'CREDENTIAL_ORDER_NOTIONAL_EXCEEDED',
    'CREDENTIAL_DAILY_NOTIONAL_EXCEEDED',
    'CREDENTIAL_OPEN_ORDERS_EXCEEDED',
  ],
  description:
    'For API keys and delegated tokens: allowed symbols, asset classes and order types, reduce-only, per-order and daily value, open orders.',
  run({ order, instrument, notional, reducing, state, ctx }) {
    const c = ctx.actor.credential;
    if (c === undefined || instrument === undefined || notional === undefined) return null;
    const name = 'credential_limits';
    const id = c.id;
    if (c.allowedSymbols !== undefined && !c.allowedSymbols.has(order.symbol)) {
      return deny(name, 'CREDENTIAL_SYMBOL_NOT_ALLOWED', 'This credential may not trade the symbol.', {
        credential: id,
        symbol: order.symbol,
      });
    }
    if (c.allowedAssetClasses !== undefined && !c.allowedAssetClasses.has(instrument.assetClass)) {
      return deny(
        name,
        'CREDENTIAL_ASSET_CLASS_NOT_ALLOWED',
        'This credential may not trade the asset class.',
        {
          credential: id,
          asset_class: instrument.assetClass,
        },
      );
    }
    if (c.allowedOrderTypes !== undefined && !c.allowedOrderTypes.has(order.type)) {
      return deny(name, 'CREDENTIAL_ORDER_TYPE_NOT_ALLOWED', 'This credential may not use the order type.', {
        credential: id,
        type: order.type,
      });
    }
    if (c.reduceOnly === true && !reducing) {
      return deny(name, 'CREDENTIAL_REDUCE_ONLY', 'This credential may only reduce positions.', {
        credential: id,
      });
    }
    if (c.maxOrderNotional !== undefined && notional.gt(c.maxOrderNotional)) {
      return deny(
        name,
        'CREDENTIAL_ORDER_NOTIONAL_EXCEEDED',
        'The order value is above the credential’s maximum.',
        {
          credential: id,
          notional,
          max: c.maxOrderNotional,
        },
      );
    }
    const usage = state.credentialUsage(id);
    if (c.maxDailyNotional !== undefined && usage.dailyNotional.add(notional).gt(c.maxDailyNotional)) {
      return deny(
        name,
        'CREDENTIAL_DAILY_NOTIONAL_EXCEEDED',
        'The credential’s daily traded value would be exceeded.',
        {
          credential: id,
          used: usage.dailyNotional,
          notional,
          max: c.maxDailyNotional,
        },
      );
    }
    if (c.maxOpenOrders !== undefined && usage.openOrders + 1 > c.maxOpenOrders) {
      return deny(name, 'CREDENTIAL_OPEN_ORDERS_EXCEEDED', 'The credential has too many open orders.', {
        credential: id,
        open: usage.openOrders,
        max: c.maxOpenOrders,
      });
    }
    return null;
  },
};
