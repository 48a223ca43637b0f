import { AppError } from '../../errors/index.ts';
import type { FactorUse } from '../../policy/principal.ts';
import { computeAal } from '../factors/assurance.ts';
import type { UsedFactor } from '../factors/types.ts';
import type { LoginFlowsTable } from './tables.ts';

/** The flow states in which a second factor is being asked for. */
export const SECOND_FACTOR_STATES: readonly string[] = ['second_factor', 'push_pending'];
const KNOWN = ['password', 'totp', 'webauthn', 'push', 'sms', 'recovery_code', 'device_key'];

/** A step-up flow is driven only by the session it was started from. */
export function assertOwnStepUp(flow: LoginFlowsTable, callerSessionId: string | null): void {
  if (flow.purpose === 'step_up' && (!flow.session_id || flow.session_id !== callerSessionId)) {
    throw new AppError('FORBIDDEN');
  }
}

/** The session level of a set of factor uses (a remembered browser counts as AAL2 at sign-in). */
export function levelOf(factors: readonly FactorUse[]): number {
  const known = factors.filter((f) => KNOWN.includes(f.method)) as UsedFactor[];
  const base = known.length ? computeAal(known).aal : 1;
  return factors.some((f) => f.method === 'remembered_device') ? Math.max(base, 2) : base;
}
