import { Type } from 'typebox';
import { ASSET_CLASSES, ORDER_TYPES } from '../../../credentials/constraints.ts';
import { SCOPES } from '../../../credentials/scopes.ts';

const strings = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });
const Amount = Type.String({
  pattern: '^(0|[1-9][0-9]{0,29})(\\.[0-9]{1,18})?$',
  description: 'Exact decimal',
});

export const KeyIdParam = Type.Object({
  id: Type.String({ pattern: '^pk_(paper|live)_[A-Za-z0-9_-]{22}$' }),
});
export const TokenIdParam = Type.Object({ id: Type.String({ pattern: '^dt_[A-Za-z0-9_-]{22}$' }) });

export const Scope = strings(SCOPES);

/** Constraints in their JSON form; compileConstraints reports every deeper problem at once. */
export const Constraints = Type.Object(
  {
    accounts: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
    environment: strings(['paper', 'live']),
    assetClasses: Type.Optional(Type.Array(strings(ASSET_CLASSES), { minItems: 1, maxItems: 10 })),
    symbols: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 1000 }),
    ),
    orderTypes: Type.Optional(Type.Array(strings(ORDER_TYPES), { minItems: 1, maxItems: 10 })),
    maxOrderNotional: Type.Optional(Amount),
    maxDailyNotional: Type.Optional(Amount),
    maxOpenOrders: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    ipAllowlist: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100 }),
    ),
  },
  { additionalProperties: false },
);

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: strings(['hmac', 'ed25519']),
  scopes: Type.Array(Type.String()),
  constraints: Type.Unknown(),
  status: strings(['active', 'suspended', 'revoked', 'expired']),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  expiresAt: Time,
  lastUsedAt: NullableTime,
  lastUsedIp: Type.Union([Type.String(), Type.Null()]),
  useCount: Type.Integer(),
  deniedCount: Type.Integer(),
  secrets: Type.Array(
    Type.Object({
      id: Type.String(),
      createdAt: Time,
      expiresAt: Time,
      status: Type.String(),
      graceUntil: NullableTime,
    }),
  ),
});

export const KeyWithSecret = Type.Object({
  key: ApiKey,
  secret: Type.Optional(Type.String({ description: 'HMAC secret, shown once' })),
});

export const NewKey = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: strings(['hmac', 'ed25519']),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 6 }),
    constraints: Constraints,
    expiresAt: Type.Optional(Time),
    publicKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Ed25519 SPKI PEM' })),
  },
  { additionalProperties: false },
);

export const Rotation = Type.Object(
  {
    expiresAt: Type.Optional(Time),
    graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 86400 })),
    publicKey: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const NewToken = Type.Object(
  {
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 6 }),
    constraints: Constraints,
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400 })),
    apiKeyId: Type.Optional(KeyIdParam.properties.id),
  },
  { additionalProperties: false },
);

export const DelegatedToken = Type.Object({
  id: Type.String(),
  accounts: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  apiKeyId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  expiresAt: Time,
  revoked: Type.Boolean(),
});

export function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : Number.NaN;
}
