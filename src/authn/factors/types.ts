/**
 * The contract every second factor implements, and the vocabulary of
 * assurance. Factors are pure: storage is passed in and out as plain records,
 * time comes from the caller (`ctx.now`, Unix milliseconds), and nothing here
 * touches a database, the network or a logger.
 */

export const FACTOR_METHODS = [
  'password',
  'totp',
  'webauthn',
  'push',
  'sms',
  'recovery_code',
  'device_key',
] as const;

export type FactorMethod = (typeof FACTOR_METHODS)[number];

/** One use of a factor, as a session records it (compatible with policy's `FactorUse`). */
export interface UsedFactor {
  method: FactorMethod;
  /** Unix milliseconds. */
  at: number;
  /** The key cannot leave the authenticator hardware (WebAuthn: not backup-eligible). */
  hardwareBound?: boolean;
  /** The authenticator verified the user (PIN or biometric) before signing. */
  userVerified?: boolean;
}

export type Aal = 1 | 2 | 3;

export interface Assurance {
  aal: Aal;
  /** True when the level rests on a restricted authenticator (SMS): the highest-risk actions are off. */
  restricted: boolean;
}

export type FactorStatus = 'pending' | 'active' | 'removed';

/** The persisted shape of one enrolled factor; `data` is the method's own state. */
export interface StoredFactor<M extends FactorMethod = FactorMethod, D = unknown> {
  id: string;
  userId: string;
  method: M;
  label: string;
  status: FactorStatus;
  createdAt: number;
  confirmedAt: number | null;
  lastUsedAt: number | null;
  removedAt: number | null;
  data: D;
}

export interface FactorContext {
  /** Unix milliseconds. */
  now: number;
  /** Identifier source for new records; defaults to `fct_<128 random bits>`. */
  newId?: () => string;
}

/** Codes every factor may answer with, whatever its method. */
export type CommonFailureCode =
  /** confirm() was called on a record that is not waiting for confirmation. */
  | 'FACTOR_NOT_PENDING'
  /** verify() was called on a record that is pending or removed. */
  | 'FACTOR_NOT_ACTIVE';

/** The type-level description of one factor module. */
export interface FactorSpec {
  method: FactorMethod;
  data: unknown;
  enrollInput: unknown;
  /** What enroll() hands back for the user (QR code, WebAuthn options, codes to write down…). */
  enrollment: unknown;
  confirmInput: unknown;
  verifyInput: unknown;
  failure: string;
}

export type FactorRecord<S extends FactorSpec> = StoredFactor<S['method'], S['data']>;

export interface EnrollBase {
  userId: string;
  label: string;
}

export interface Enrolled<S extends FactorSpec> {
  record: FactorRecord<S>;
  enrollment: S['enrollment'];
}

/**
 * The result of confirm() and verify(). `record` is always the record to
 * store next (it may change on failure too, e.g. a flagged WebAuthn clone).
 */
export type FactorOutcome<S extends FactorSpec> =
  | { ok: true; record: FactorRecord<S>; used: UsedFactor }
  | {
      ok: false;
      record: FactorRecord<S>;
      code: S['failure'] | CommonFailureCode;
      message: string;
      /** Public values for the caller's error (e.g. `skewMs` for CLOCK_SKEW). */
      details?: Record<string, unknown>;
    };

/**
 * enroll → confirm → verify* → remove. enroll() creates a `pending` record,
 * confirm() proves possession once and makes it `active`, verify() is a
 * sign-in or step-up use, remove() retires it (records are kept for audit).
 */
export interface Factor<S extends FactorSpec> {
  readonly method: S['method'];
  enroll(input: EnrollBase & S['enrollInput'], ctx: FactorContext): Promise<Enrolled<S>>;
  confirm(record: FactorRecord<S>, input: S['confirmInput'], ctx: FactorContext): Promise<FactorOutcome<S>>;
  verify(record: FactorRecord<S>, input: S['verifyInput'], ctx: FactorContext): Promise<FactorOutcome<S>>;
  remove(record: FactorRecord<S>, ctx: FactorContext): FactorRecord<S>;
}

export { computeAal } from './assurance.ts';
