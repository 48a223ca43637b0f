/**
 * Size and exposure limits: price collar, per-order size and value, open
 * orders, position, daily loss, buying power. Orders that only reduce a
 * position skip the exposure limits (open orders, position, loss, funds) so
 * exits stay possible under stress; they still meet the collar and size caps.
 */

import { deny, type RiskCheck } from '../check.ts';
import { orderMarginRequirement, worstCasePosition } from '../exposure.ts';

export const priceCollarCheck: RiskCheck = {
  name: 'price_collar',
  codes: ['PRICE_OUTSIDE_COLLAR'],
  description:
    'A limit price must lie within reference × (1 ± collar), the collar being a fraction set per asset class.',
  run({ order, instrument, reference, ctx }) {
    const limit = order.limitPrice;
    if (instrument === undefined || limit === undefined || reference === undefined) return null;
    const collar = ctx.limits.priceCollar[instrument.assetClass];
    const band = reference.mul(collar);
    const lower = reference.sub(band);
    const upper = reference.add(band);
    if (limit.gte(lower) && limit.lte(upper)) return null;
    return deny(
      'price_collar',
      'PRICE_OUTSIDE_COLLAR',
      'The limit price is too far from the reference price.',
      {
        limit,
        reference,
        collar,
        lower,
        upper,
      },
    );
  },
};

export const orderSizeCheck: RiskCheck = {
  name: 'order_size',
  codes: ['QUANTITY_EXCEEDS_MAX', 'NOTIONAL_EXCEEDS_MAX'],
  description:
    'Quantity and value (price × quantity × multiplier) at most the per-order caps of the asset class.',
  run({ order, instrument, notional, ctx }) {
    if (instrument === undefined || notional === undefined) return null;
    const maxQuantity = ctx.limits.maxOrderQuantity[instrument.assetClass];
    if (order.quantity.gt(maxQuantity)) {
      return deny('order_size', 'QUANTITY_EXCEEDS_MAX', 'The quantity is above the per-order maximum.', {
        quantity: order.quantity,
        max: maxQuantity,
      });
    }
    const maxNotional = ctx.limits.maxOrderNotional[instrument.assetClass];
    if (notional.gt(maxNotional)) {
      return deny('order_size', 'NOTIONAL_EXCEEDS_MAX', 'The order value is above the per-order maximum.', {
        notional,
        max: maxNotional,
      });
    }
    return null;
  },
};

export const openOrdersCheck: RiskCheck = {
  name: 'open_orders',
  codes: ['OPEN_ORDERS_EXCEEDED'],
  description: 'Open orders after this one at most the account maximum (reducing orders exempt).',
  run({ state, ctx, reducing }) {
    if (reducing || state.openOrderCount + 1 <= ctx.limits.maxOpenOrders) return null;
    return deny('open_orders', 'OPEN_ORDERS_EXCEEDED', 'Too many open orders.', {
      open: state.openOrderCount,
      max: ctx.limits.maxOpenOrders,
    });
  },
};

export const positionLimitCheck: RiskCheck = {
  name: 'position_limit',
  codes: ['POSITION_LIMIT_EXCEEDED'],
  description:
    '|position + same-side open orders + this order| at most the symbol limit (per-symbol override, else per asset class).',
  run({ order, instrument, position, openSameSide, reducing, ctx }) {
    if (instrument === undefined || reducing) return null;
    const limit =
      ctx.limits.positionOverrides?.get(instrument.symbol) ?? ctx.limits.maxPosition[instrument.assetClass];
    const worst = worstCasePosition(order.side, position, openSameSide.add(order.quantity));
    if (worst.abs().lte(limit)) return null;
    return deny(
      'position_limit',
      'POSITION_LIMIT_EXCEEDED',
      'The resulting position would exceed its limit.',
      {
        symbol: instrument.symbol,
        position,
        open_same_side: openSameSide,
        quantity: order.quantity,
        resulting: worst,
        limit,
      },
    );
  },
};

export const dailyLossCheck: RiskCheck = {
  name: 'daily_loss',
  codes: ['DAILY_LOSS_LIMIT_EXCEEDED'],
  description: 'Today’s realised + unrealised loss at most the daily loss limit (reducing orders exempt).',
  run({ state, ctx, reducing }) {
    if (reducing) return null;
    const loss = state.dailyLoss();
    if (loss.lte(ctx.limits.dailyLossLimit)) return null;
    return deny('daily_loss', 'DAILY_LOSS_LIMIT_EXCEEDED', 'The daily loss limit has been exceeded.', {
      loss,
      limit: ctx.limits.dailyLossLimit,
    });
  },
};

export const buyingPowerCheck: RiskCheck = {
  name: 'buying_power',
  codes: ['INSUFFICIENT_BUYING_POWER'],
  description:
    'The margin model’s requirement for the order (cash in full for cash accounts) at most the available funds (reducing orders exempt).',
  run({ order, instrument, price, state, ctx, reducing }) {
    if (instrument === undefined || price === undefined || reducing) return null;
    const required = orderMarginRequirement(order, instrument, state, ctx, price);
    if (required.isZero()) return null;
    const available = state.availableFunds();
    if (required.lte(available)) return null;
    return deny('buying_power', 'INSUFFICIENT_BUYING_POWER', 'Not enough available funds for this order.', {
      required,
      available,
    });
  },
};
