/**
 * Login flow states and the only transitions allowed between them.
 * The diagram in docs/login-flow.md is drawn from this table.
 */
export const FLOW_STATES = [
  'password',
  'second_factor',
  'push_pending',
  'device_validation',
  'complete',
  'failed',
  'expired',
] as const;

export type FlowState = (typeof FLOW_STATES)[number];

export const TRANSITIONS = {
  password: ['second_factor', 'device_validation', 'complete', 'failed', 'expired'],
  second_factor: ['push_pending', 'device_validation', 'complete', 'failed', 'expired'],
  push_pending: ['second_factor', 'device_validation', 'complete', 'failed', 'expired'],
  device_validation: ['second_factor', 'complete', 'failed', 'expired'],
  complete: [],
  failed: [],
  expired: [],
} as const satisfies Record<FlowState, readonly FlowState[]>;

export const TERMINAL_STATES: readonly FlowState[] = ['complete', 'failed', 'expired'];

export function canTransition(from: FlowState, to: FlowState): boolean {
  return (TRANSITIONS[from] as readonly FlowState[]).includes(to);
}

/** Programmer misuse (a transition the table forbids) is a TypeError, not a coded error. */
export function assertTransition(from: FlowState, to: FlowState): void {
  if (!canTransition(from, to)) throw new TypeError(`illegal login flow transition ${from} → ${to}`);
}

export function isTerminal(state: FlowState): boolean {
  return TERMINAL_STATES.includes(state);
}

/** The mermaid state diagram of the table, for docs. */
export function mermaidDiagram(): string {
  const lines = ['stateDiagram-v2', '  [*] --> password'];
  for (const [from, tos] of Object.entries(TRANSITIONS)) {
    for (const to of tos) lines.push(`  ${from} --> ${to}`);
  }
  for (const t of TERMINAL_STATES) lines.push(`  ${t} --> [*]`);
  return lines.join('\n');
}
