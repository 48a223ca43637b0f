import { randomBytes } from 'node:crypto';
import type {
  CommonFailureCode,
  EnrollBase,
  FactorContext,
  FactorMethod,
  FactorSpec,
  StoredFactor,
  UsedFactor,
} from './types.ts';

/** Lifecycle helpers shared by the factor modules; every function returns a new record. */

/**
 * Thrown by enroll() when untrusted enrolment input is unusable (enroll has
 * no failure outcome: there is no record yet). `code` is stable.
 */
export class FactorInputError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'FactorInputError';
    this.code = code;
  }
}

function defaultId(): string {
  return `fct_${randomBytes(16).toString('base64url')}`;
}

export function newFactorRecord<M extends FactorMethod, D>(
  method: M,
  base: EnrollBase,
  data: D,
  ctx: FactorContext,
): StoredFactor<M, D> {
  return {
    id: (ctx.newId ?? defaultId)(),
    userId: base.userId,
    method,
    label: base.label,
    status: 'pending',
    createdAt: ctx.now,
    confirmedAt: null,
    lastUsedAt: null,
    removedAt: null,
    data,
  };
}

export function activated<R extends StoredFactor>(record: R, data: R['data'], ctx: FactorContext): R {
  return { ...record, status: 'active', confirmedAt: ctx.now, lastUsedAt: ctx.now, data };
}

export function used<R extends StoredFactor>(record: R, data: R['data'], ctx: FactorContext): R {
  return { ...record, lastUsedAt: ctx.now, data };
}

export function removed<R extends StoredFactor>(record: R, ctx: FactorContext): R {
  if (record.status === 'removed') return record;
  return { ...record, status: 'removed', removedAt: ctx.now };
}

/** A failed outcome that leaves the record as it was (or as given). */
export function failure<S extends FactorSpec, R extends StoredFactor<S['method'], S['data']>>(
  record: R,
  code: S['failure'] | CommonFailureCode,
  message: string,
  details?: Record<string, unknown>,
): {
  ok: false;
  record: R;
  code: S['failure'] | CommonFailureCode;
  message: string;
  details?: Record<string, unknown>;
} {
  return { ok: false, record, code, message, ...(details ? { details } : {}) };
}

/** Guards confirm() and verify(): a record in the wrong state is a coded failure, not a throw. */
export function stateFailure(
  record: StoredFactor,
  expected: 'pending' | 'active',
): { code: CommonFailureCode; message: string } | null {
  if (record.status === expected) return null;
  return expected === 'pending'
    ? { code: 'FACTOR_NOT_PENDING', message: 'This factor is not waiting for confirmation.' }
    : { code: 'FACTOR_NOT_ACTIVE', message: 'This factor is not active.' };
}

export function usedFactor(
  method: FactorMethod,
  ctx: FactorContext,
  extra: { hardwareBound?: boolean; userVerified?: boolean } = {},
): UsedFactor {
  return { method, at: ctx.now, ...extra };
}
