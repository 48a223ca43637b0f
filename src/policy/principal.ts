import type { Interface } from '../sessions/policy.ts';

export interface FactorUse {
  method: string;
  at: number;
}

/** The caller, resolved by whichever way in it came through. */
export interface SessionPrincipal {
  kind: 'session';
  userId: string;
  sessionId: string;
  interface: Interface;
  deviceId: string | null;
  aal: number;
  factors: FactorUse[];
  isAdmin: boolean;
  createdAt: number;
}

export type Principal = SessionPrincipal;
