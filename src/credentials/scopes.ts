/**
 * Scopes of credentials for programs (API keys, delegated tokens, OAuth access
 * tokens) and the actions they grant.
 *
 * The catalogue is data: each scope lists, in plain words for consent screens,
 * what it lets a program do, and the exact actions it grants. Four actions are
 * out of reach of every credential whatever its scopes — withdrawing money,
 * adding a payee, changing security settings and creating or changing
 * credentials — and the types make that unrepresentable: a scope's grants are
 * typed as `DelegableAction`, which excludes them.
 */
import { OK, type Ok, type Refusal, refuse } from './codes.ts';

export const CREDENTIAL_ACTIONS = [
  'account.read', // balances, buying power, positions
  'orders.read',
  'order.place',
  'order.place_reduce_only',
  'order.cancel',
  'position.flatten',
  'account.kill_switch',
  'market_data.read',
  'funds.withdraw',
  'payee.add',
  'credentials.manage',
  'security.settings',
] as const;
export type CredentialAction = (typeof CREDENTIAL_ACTIONS)[number];

/** Actions that need a person in an interactive session; no credential scope can ever grant them. */
export const NON_DELEGABLE_ACTIONS = [
  'funds.withdraw',
  'payee.add',
  'credentials.manage',
  'security.settings',
] as const satisfies readonly CredentialAction[];
export type NonDelegableAction = (typeof NON_DELEGABLE_ACTIONS)[number];
export type DelegableAction = Exclude<CredentialAction, NonDelegableAction>;

export interface ScopeDefinition {
  /** Short title for a consent screen. */
  title: string;
  /** What the program may do, in plain words. */
  description: string;
  grants: readonly DelegableAction[];
}

export const SCOPE_CATALOGUE = {
  'account:read': {
    title: 'See your accounts',
    description: 'See balances, buying power, trading state and positions. It cannot change anything.',
    grants: ['account.read'],
  },
  'orders:read': {
    title: 'See your orders',
    description: 'See open and past orders and their fills. It cannot place or cancel orders.',
    grants: ['orders.read'],
  },
  trade: {
    title: 'Trade',
    description:
      'Place, change and cancel orders and close positions, within the limits set on this key. It cannot move money out of the account.',
    grants: ['order.place', 'order.place_reduce_only', 'order.cancel', 'position.flatten'],
  },
  'trade:reduce-only': {
    title: 'Reduce risk only',
    description:
      'Cancel orders, close positions and place orders that only shrink existing positions. It cannot open or enlarge a position.',
    grants: ['order.place_reduce_only', 'order.cancel', 'position.flatten'],
  },
  kill: {
    title: 'Kill switch',
    description:
      'Freeze the account: halt trading, cancel every open order and suspend every key and token. Unfreezing needs you.',
    grants: ['account.kill_switch'],
  },
  'market-data': {
    title: 'Market data',
    description: 'Read quotes and instrument details. It cannot see your account.',
    grants: ['market_data.read'],
  },
} as const satisfies Record<string, ScopeDefinition>;

export type Scope = keyof typeof SCOPE_CATALOGUE;
export const SCOPES = Object.keys(SCOPE_CATALOGUE) as Scope[];

const GRANTS: ReadonlyMap<string, ReadonlySet<CredentialAction>> = new Map(
  SCOPES.map((scope) => [scope, new Set<CredentialAction>(SCOPE_CATALOGUE[scope].grants)]),
);
const NON_DELEGABLE: ReadonlySet<string> = new Set(NON_DELEGABLE_ACTIONS);

export function isScope(value: string): value is Scope {
  return GRANTS.has(value);
}

export function isNonDelegable(action: CredentialAction): action is NonDelegableAction {
  return NON_DELEGABLE.has(action);
}

/** Validates untrusted scope names (for example from a key-creation request); duplicates collapse. */
export function parseScopes(
  values: readonly string[],
): { ok: true; scopes: Scope[] } | Refusal<'SCOPE_UNKNOWN'> {
  const unknown = values.filter((v) => !isScope(v));
  if (unknown.length > 0) return refuse('SCOPE_UNKNOWN', { unknown, known: SCOPES });
  return { ok: true, scopes: SCOPES.filter((s) => values.includes(s)) };
}

/**
 * True when one of the scopes grants the action. Unknown scope names grant
 * nothing; the non-delegable actions are refused before any scope is read.
 */
export function scopeAllows(scopes: Iterable<string>, action: CredentialAction): boolean {
  if (NON_DELEGABLE.has(action)) return false;
  for (const scope of scopes) {
    if (GRANTS.get(scope)?.has(action)) return true;
  }
  return false;
}

/** The scopes that would grant an action (what a SCOPE_INSUFFICIENT answer tells the caller). */
export function scopesGranting(action: CredentialAction): Scope[] {
  return SCOPES.filter((scope) => GRANTS.get(scope)?.has(action));
}

/** `scopeAllows` as a check with a stable code. */
export function checkScope(
  scopes: Iterable<string>,
  action: CredentialAction,
): Ok | Refusal<'ACTION_NOT_DELEGABLE' | 'SCOPE_INSUFFICIENT'> {
  if (NON_DELEGABLE.has(action)) return refuse('ACTION_NOT_DELEGABLE', { action });
  if (scopeAllows(scopes, action)) return OK;
  return refuse('SCOPE_INSUFFICIENT', { action, requiredScopes: scopesGranting(action) });
}

/** Every action the scopes grant together. */
export function grantedActions(scopes: Iterable<string>): Set<DelegableAction> {
  const actions = new Set<DelegableAction>();
  for (const scope of scopes) {
    if (isScope(scope)) for (const action of SCOPE_CATALOGUE[scope].grants) actions.add(action);
  }
  return actions;
}

/**
 * True when `requested` grants nothing beyond `held` — the rule for a token
 * bound to a key, or for narrowing a credential without a fresh session.
 */
export function scopesWithin(requested: Iterable<string>, held: Iterable<string>): boolean {
  const allowed = grantedActions(held);
  for (const scope of requested) {
    if (!isScope(scope)) return false;
    for (const action of SCOPE_CATALOGUE[scope].grants) if (!allowed.has(action)) return false;
  }
  return true;
}
