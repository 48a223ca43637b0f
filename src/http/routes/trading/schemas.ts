import { Type } from 'typebox';
import { AppError } from '../../../errors/index.ts';
import { type Decimal, dec } from '../../../trading/decimal.ts';

export const DecimalText = Type.String({
  pattern: '^-?\\d{1,30}(\\.\\d{1,18})?$',
  description: 'exact decimal',
});
export const Amount = Type.String({
  pattern: '^\\d{1,15}(\\.\\d{1,2})?$',
  description: 'money, at most 2 decimals',
});
export const SymbolText = Type.String({ pattern: '^[A-Z0-9][A-Z0-9.-]{0,31}$' });
export const AccountParams = Type.Object({ id: Type.String({ pattern: '^acc_[A-Za-z0-9_-]{22}$' }) });
export const OrderParams = Type.Object({
  id: Type.String({ pattern: '^acc_[A-Za-z0-9_-]{22}$' }),
  orderId: Type.String({ pattern: '^ord_[A-Za-z0-9_-]{22}$' }),
});
export const ClientOrderId = Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' });

export const OrderBody = Type.Object(
  {
    symbol: SymbolText,
    side: Type.Union([Type.Literal('buy'), Type.Literal('sell')]),
    quantity: DecimalText,
    type: Type.Union([
      Type.Literal('market'),
      Type.Literal('limit'),
      Type.Literal('stop'),
      Type.Literal('stop_limit'),
    ]),
    limitPrice: Type.Optional(DecimalText),
    stopPrice: Type.Optional(DecimalText),
    timeInForce: Type.Union([Type.Literal('day'), Type.Literal('gtc'), Type.Literal('ioc')], {
      default: 'day',
    }),
    reduceOnly: Type.Optional(Type.Boolean()),
    clientOrderId: Type.Optional(ClientOrderId),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(ClientOrderId) });

export const Order = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  clientOrderId: Type.String(),
  symbol: Type.String(),
  side: Type.String(),
  type: Type.String(),
  quantity: Type.String(),
  limitPrice: Type.Union([Type.String(), Type.Null()]),
  stopPrice: Type.Union([Type.String(), Type.Null()]),
  timeInForce: Type.String(),
  reduceOnly: Type.Boolean(),
  status: Type.String(),
  filledQuantity: Type.String(),
  averagePrice: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** Parses a schema-validated decimal string (the pattern already bounds it). */
export function parseDecimal(text: string, field: string): Decimal {
  try {
    return dec(text);
  } catch {
    throw new AppError('INVALID_DECIMAL', { details: { field } });
  }
}
