import type { AuditContext } from '../../audit/index.ts';
import type { DeviceChallenge } from '../../devices/device-proof.ts';
import type { FactorUse } from '../../policy/principal.ts';
import type { Interface } from '../../sessions/index.ts';
import type { FlowState } from './states.ts';
import type { LoginFlowsTable } from './tables.ts';

/** Per-flow step state kept in `login_flows.context` (JSON). Never holds a secret the client has not seen. */
export interface FlowContext {
  /** Portal: remember this browser after a second factor. */
  remember?: boolean;
  /** Portal: the browser device recognised from its cookie at flow start. */
  browserDeviceId?: string;
  /** Mobile/desktop: the registered device (row id) that must prove its key. */
  deviceRowId?: string;
  deviceChallenge?: DeviceChallenge;
  /** Desktop: after the device proof, a second factor is still needed. */
  needsSecondFactor?: boolean;
  webauthnChallenge?: string;
  push?: { challengeId: string; number: number; expiresAt: number };
  /** Step-up: what it is for. */
  requiredAal?: number;
  methods?: string[];
}

export interface FlowView {
  id: string;
  interface: Interface;
  purpose: 'login' | 'step_up';
  action?: string;
  state: FlowState;
  expiresAt: string;
  methods: string[];
  /** In `device_validation`: the challenge the device must sign. */
  deviceChallenge?: { challenge: string; expiresAt: string };
  /** In `push_pending`: the number to show on screen. */
  push?: { challengeId: string; number: number; expiresAt: string };
}

export interface FlowCompletion {
  flow: FlowView;
  session?: { token: string; id: string; expiresAt: string; aal: number };
  /** Portal: a new browser-device cookie to set. */
  deviceCookie?: string;
}

export function parseContext(text: string | null | undefined): FlowContext {
  if (!text) return {};
  try {
    return JSON.parse(text) as FlowContext;
  } catch {
    return {};
  }
}

/** Structural: any limiter with this shape (in-process or Redis) will do. */
export interface AttemptLimiter {
  take(key: string, cost?: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/**
 * What the authn domain plugs into the flow (attached by `createAuthnServices`):
 * where a flow goes after the password, and what happens on completion
 * (devices, remembered browsers, step-up rotation). Without it a password
 * completes the flow, as in the foundation.
 */
export interface FlowSteps {
  afterPassword(
    flow: LoginFlowsTable,
    userId: string,
    factors: FactorUse[],
    ctx: StepCtx,
  ): Promise<FlowCompletion>;
  viewExtras(row: LoginFlowsTable): Partial<FlowView>;
}

export type StepCtx = AuditContext & { ip: string; userAgent: string };

export interface LoginFlowOptions {
  ttlMs: number;
  maxAttemptsPerFlow: number;
}
