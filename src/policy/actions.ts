/**
 * The action catalog: every decision the policy engine makes is about one of
 * these. Risk-reducing actions never ask for step-up (DESIGN.md, "asymmetric
 * friction"); the default rules for the others live in `rules.ts`.
 */
export const ACTIONS = {
  read: { risk: 'none', words: 'read balances, positions, orders and reports' },
  cancel_order: { risk: 'reduces', words: 'cancel an order' },
  flatten: { risk: 'reduces', words: 'close or flatten positions' },
  kill_switch: { risk: 'reduces', words: 'halt the account (kill switch)' },
  revoke_session: { risk: 'reduces', words: 'end a session' },
  revoke_device: { risk: 'reduces', words: 'revoke a device' },
  revoke_credential: { risk: 'reduces', words: 'revoke an API key, token or app' },
  tighten_limits: { risk: 'reduces', words: 'tighten risk limits' },
  enroll_first_factor: { risk: 'adds', words: 'enrol the first second factor' },
  place_order: { risk: 'adds', words: 'open or enlarge a position' },
  use_margin: { risk: 'adds', words: 'use margin' },
  request_permission: { risk: 'adds', words: 'trade a new product class' },
  loosen_limits: { risk: 'adds', words: 'loosen risk limits' },
  add_payee: { risk: 'adds', words: 'add a payee' },
  change_contact: { risk: 'adds', words: 'change contact details' },
  add_device: { risk: 'adds', words: 'add a device' },
  add_factor: { risk: 'adds', words: 'add or remove a second factor' },
  add_api_key: { risk: 'adds', words: 'create, rotate or widen an API key or token' },
  unfreeze: { risk: 'adds', words: 'unfreeze the account' },
  withdraw: { risk: 'adds', words: 'withdraw funds' },
} as const satisfies Record<string, { risk: 'none' | 'reduces' | 'adds'; words: string }>;

export type Action = keyof typeof ACTIONS;

export function isRiskReducing(action: Action): boolean {
  return ACTIONS[action].risk !== 'adds';
}

/** What the caller wants to do, beyond the action's name (amounts are exact decimal strings). */
export interface ActionContext {
  /** Order notional or withdrawal amount in the account's base currency, as a decimal string. */
  amount?: string;
  currency?: string;
  accountId?: string;
}

/** What step-up must achieve: API.md `details.requirement`. */
export interface StepUpRequirement {
  aal: 2 | 3;
  maxAgeSeconds: number | null;
  methods: string[];
  reason: string;
}

export type Decision =
  | { outcome: 'allow'; rule: string }
  | { outcome: 'step_up'; rule: string; requirement: StepUpRequirement }
  | { outcome: 'approval'; rule: string; reason: string }
  | { outcome: 'deny'; rule: string; code: string; reason: string };
