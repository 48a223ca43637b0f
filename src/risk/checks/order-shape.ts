/**
 * Is the order well formed for its instrument, right now: the instrument is
 * known and in session; side, type, time in force, quantity and prices fit.
 */

import type { Decimal } from '../../trading/decimal.ts';
import { type Instrument, tradability } from '../../trading/instruments.ts';
import { isOrderType, isSide, isTimeInForce, type OrderRequest } from '../../trading/orders.ts';
import { deny, type RiskCheck } from '../check.ts';
import type { Denial } from '../codes.ts';

export const instrumentCheck: RiskCheck = {
  name: 'instrument',
  codes: ['INSTRUMENT_UNKNOWN', 'INSTRUMENT_EXPIRED', 'MARKET_CLOSED'],
  description:
    'The symbol is in the catalogue, not past its last trading day, and its venue is in session now.',
  run({ order, instrument, ctx }) {
    if (instrument === undefined) {
      return deny('instrument', 'INSTRUMENT_UNKNOWN', `Unknown symbol ${order.symbol}.`, {
        symbol: order.symbol,
      });
    }
    const status = tradability(instrument, ctx.now);
    if (status === 'open') return null;
    if (status === 'expired') {
      return deny('instrument', 'INSTRUMENT_EXPIRED', `${instrument.symbol} has expired.`, {
        symbol: instrument.symbol,
        last_trading_day: instrument.lastTradingDay,
      });
    }
    return deny('instrument', 'MARKET_CLOSED', `The market for ${instrument.symbol} is closed.`, {
      symbol: instrument.symbol,
      status,
      time_zone: instrument.calendar.timeZone,
    });
  },
};

const NEEDS_LIMIT = new Set(['limit', 'stop_limit']);
const NEEDS_STOP = new Set(['stop', 'stop_limit']);

function enumDenial(order: OrderRequest): Denial | null {
  if (!isSide(order.side))
    return deny('order_sanity', 'SIDE_INVALID', 'Side must be buy or sell.', { side: order.side });
  if (!isOrderType(order.type)) {
    return deny('order_sanity', 'ORDER_TYPE_INVALID', 'Unknown order type.', { type: order.type });
  }
  const tif = order.timeInForce;
  const values = { type: order.type, time_in_force: tif };
  if (!isTimeInForce(tif))
    return deny('order_sanity', 'TIME_IN_FORCE_INVALID', 'Unknown time in force.', values);
  if (order.type === 'market' && tif === 'gtc') {
    return deny('order_sanity', 'TIME_IN_FORCE_INVALID', 'Market orders are day or ioc only.', values);
  }
  if (NEEDS_STOP.has(order.type) && tif === 'ioc') {
    return deny(
      'order_sanity',
      'TIME_IN_FORCE_INVALID',
      'Stop orders cannot be immediate-or-cancel.',
      values,
    );
  }
  return null;
}

function priceDenial(field: string, price: Decimal, instrument: Instrument): Denial | null {
  if (!price.isPositive()) {
    return deny('order_sanity', 'PRICE_NOT_POSITIVE', `The ${field} must be positive.`, { field, price });
  }
  if (!price.isMultipleOf(instrument.tickSize)) {
    return deny('order_sanity', 'PRICE_NOT_ON_TICK', `The ${field} is not on the tick size.`, {
      field,
      price,
      tick: instrument.tickSize,
    });
  }
  if (instrument.assetClass === 'forecast' && price.gte(instrument.multiplier)) {
    return deny('order_sanity', 'PRICE_OUT_OF_RANGE', 'Forecast contracts trade strictly between 0 and 1.', {
      field,
      price,
      max_exclusive: instrument.multiplier,
    });
  }
  return null;
}

function pricePresenceDenial(order: OrderRequest): Denial | null {
  const values = { type: order.type };
  if (NEEDS_LIMIT.has(order.type) && order.limitPrice === undefined) {
    return deny('order_sanity', 'LIMIT_PRICE_MISSING', `A ${order.type} order needs a limit price.`, values);
  }
  if (NEEDS_STOP.has(order.type) && order.stopPrice === undefined) {
    return deny('order_sanity', 'STOP_PRICE_MISSING', `A ${order.type} order needs a stop price.`, values);
  }
  if (!NEEDS_LIMIT.has(order.type) && order.limitPrice !== undefined) {
    return deny('order_sanity', 'PRICE_NOT_ALLOWED', `A ${order.type} order takes no limit price.`, {
      ...values,
      field: 'limit_price',
    });
  }
  if (!NEEDS_STOP.has(order.type) && order.stopPrice !== undefined) {
    return deny('order_sanity', 'PRICE_NOT_ALLOWED', `A ${order.type} order takes no stop price.`, {
      ...values,
      field: 'stop_price',
    });
  }
  return null;
}

export const orderSanityCheck: RiskCheck = {
  name: 'order_sanity',
  codes: [
    'SIDE_INVALID',
    'ORDER_TYPE_INVALID',
    'TIME_IN_FORCE_INVALID',
    'QUANTITY_NOT_POSITIVE',
    'QUANTITY_NOT_LOT_MULTIPLE',
    'LIMIT_PRICE_MISSING',
    'STOP_PRICE_MISSING',
    'PRICE_NOT_ALLOWED',
    'PRICE_NOT_POSITIVE',
    'PRICE_NOT_ON_TICK',
    'PRICE_OUT_OF_RANGE',
  ],
  description:
    'Known side, type and time in force (market: day/ioc; stops: not ioc); positive quantity in whole lots; exactly the prices the type needs, positive and on tick (forecast below 1).',
  run({ order, instrument }) {
    if (instrument === undefined) return null;
    const shape = enumDenial(order);
    if (shape !== null) return shape;
    if (!order.quantity.isPositive()) {
      return deny('order_sanity', 'QUANTITY_NOT_POSITIVE', 'Quantity must be positive.', {
        quantity: order.quantity,
      });
    }
    if (!order.quantity.isMultipleOf(instrument.lotSize)) {
      return deny('order_sanity', 'QUANTITY_NOT_LOT_MULTIPLE', 'Quantity must be a whole number of lots.', {
        quantity: order.quantity,
        lot_size: instrument.lotSize,
      });
    }
    const presence = pricePresenceDenial(order);
    if (presence !== null) return presence;
    if (order.limitPrice !== undefined) {
      const d = priceDenial('limit_price', order.limitPrice, instrument);
      if (d !== null) return d;
    }
    return order.stopPrice === undefined ? null : priceDenial('stop_price', order.stopPrice, instrument);
  },
};
