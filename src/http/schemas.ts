import { type TString, Type } from 'typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable UPPER_SNAKE code, see docs/errors.md' }),
      message: Type.String(),
      requestId: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'Error', description: 'The one error shape of every non-2xx answer.' },
);

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Type.Ref('Error')]));

export const IdParam = <N extends string>(name: N, prefix: string) =>
  Type.Object({ [name]: Type.String({ pattern: `^${prefix}_[A-Za-z0-9_-]{22}$` }) } as Record<N, TString>);

export const SessionItem = Type.Object({
  id: Type.String(),
  interface: Type.String(),
  deviceId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.String(),
  userAgent: Type.String(),
  aal: Type.Integer(),
  createdAt: Type.String(),
  lastSeenAt: Type.String(),
  expiresAt: Type.String(),
  current: Type.Boolean(),
});

export const Interface = Type.Union([
  Type.Literal('portal'),
  Type.Literal('mobile'),
  Type.Literal('desktop'),
]);
