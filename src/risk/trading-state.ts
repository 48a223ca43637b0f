/**
 * Account trading state, the last gate of the order path:
 *
 * ```mermaid
 * stateDiagram-v2
 *   ACTIVE --> REDUCING: reduce risk
 *   ACTIVE --> HALTED: kill switch
 *   REDUCING --> HALTED: kill switch
 *   HALTED --> REDUCING: re-open for exits (adds risk)
 *   REDUCING --> ACTIVE: resume (adds risk)
 *   HALTED --> ACTIVE: resume (adds risk)
 * ```
 *
 * Moving to a stricter state reduces risk and must be reachable from any
 * valid session (kill switch); moving to a looser one adds risk and is for the
 * policy engine to guard with step-up. Every change is an audited event.
 */

export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

const STRICTNESS: Record<TradingState, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

export type TransitionDirection = 'reduces_risk' | 'adds_risk';

export interface TradingStateChange {
  readonly event: 'trading_state.changed';
  readonly from: TradingState;
  readonly to: TradingState;
  readonly direction: TransitionDirection;
  readonly reason: string;
}

export function isTradingState(value: unknown): value is TradingState {
  return value === 'ACTIVE' || value === 'REDUCING' || value === 'HALTED';
}

/** Whether moving from one state to another loosens trading (needs step-up upstream). */
export function transitionDirection(from: TradingState, to: TradingState): TransitionDirection {
  return STRICTNESS[to] > STRICTNESS[from] ? 'reduces_risk' : 'adds_risk';
}

/** Every allowed transition with its direction, for docs and the policy engine. */
export const TRADING_STATE_TRANSITIONS: readonly {
  readonly from: TradingState;
  readonly to: TradingState;
  readonly direction: TransitionDirection;
}[] = TRADING_STATES.flatMap((from) =>
  TRADING_STATES.filter((to) => to !== from).map((to) => ({
    from,
    to,
    direction: transitionDirection(from, to),
  })),
);

/**
 * Describes a change of trading state as an audit-ready event, or null when
 * the state does not change (so a repeated kill switch is idempotent).
 */
export function changeTradingState(
  from: TradingState,
  to: TradingState,
  reason: string,
): TradingStateChange | null {
  if (!isTradingState(to)) throw new TypeError(`Unknown trading state: ${String(to)}`);
  if (from === to) return null;
  return { event: 'trading_state.changed', from, to, direction: transitionDirection(from, to), reason };
}

/** Whether a state lets an order through: ACTIVE all, REDUCING only reducing orders, HALTED none. */
export function admitsOrder(state: TradingState, reducing: boolean): boolean {
  return state === 'ACTIVE' || (state === 'REDUCING' && reducing);
}
