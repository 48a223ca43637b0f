import type { CredentialPrincipal } from '../credentials/principal.ts';
import type { Interface } from '../sessions/policy.ts';

export interface FactorUse {
  method: string;
  at: number;
  /** WebAuthn: the key cannot leave the authenticator (with `userVerified`, AAL3). */
  hardwareBound?: boolean;
  userVerified?: boolean;
}

/** A person's interactive session (portal, mobile, desktop). */
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

/** The caller, resolved by whichever way in it came through. */
export type Principal = SessionPrincipal | CredentialPrincipal;
