import type { Action } from './actions.ts';

/** Which freshness a rule asks for: none beyond the session, or one of the configured windows. */
export type Freshness = 'session' | 'medium' | 'high';

export type RuleEffect =
  | { allow: true }
  | { deny: string }
  | { aal: 2 | 3; fresh: Freshness; notSms: boolean };

/** One row of the policy table. The first rule that matches the principal, action and amount decides. */
export interface PolicyRule {
  name: string;
  principal: 'session' | 'program';
  actions: readonly Action[] | 'any';
  /** Matches only when `ctx.amount` is strictly above this configured threshold. */
  above?: 'largeOrderNotional' | 'withdrawAal3Above';
  effect: RuleEffect;
  reason: string;
}

const REDUCING: readonly Action[] = [
  'read',
  'cancel_order',
  'flatten',
  'kill_switch',
  'revoke_session',
  'revoke_device',
  'revoke_credential',
  'tighten_limits',
];

const SECURITY_CHANGES: readonly Action[] = [
  'add_payee',
  'change_contact',
  'add_device',
  'add_factor',
  'add_api_key',
  'unfreeze',
];

/**
 * The default policy table (docs/policy.md), as data. Thresholds and
 * freshness windows come from settings (PORTCULLIS_POLICY_*).
 */
export const DEFAULT_RULES: readonly PolicyRule[] = [
  {
    name: 'program-reads-and-reduces-risk',
    principal: 'program',
    actions: REDUCING,
    effect: { allow: true },
    reason: 'reading and reducing risk are always open',
  },
  {
    name: 'program-places-orders',
    principal: 'program',
    actions: ['place_order'],
    effect: { allow: true },
    reason: 'scopes and limits are checked by the credential and risk layers',
  },
  {
    name: 'program-interactive-only',
    principal: 'program',
    actions: 'any',
    effect: { deny: 'CREDENTIAL_NOT_ALLOWED' },
    reason: 'only a person in an interactive session may do this',
  },
  {
    name: 'reduce-risk-never-steps-up',
    principal: 'session',
    actions: REDUCING,
    effect: { allow: true },
    reason: 'risk-reducing actions are open to any valid session',
  },
  {
    name: 'enrol-first-factor',
    principal: 'session',
    actions: ['enroll_first_factor'],
    effect: { allow: true },
    reason: 'a set-up session may enrol its first second factor',
  },
  {
    name: 'large-order-fresh',
    principal: 'session',
    actions: ['place_order'],
    above: 'largeOrderNotional',
    effect: { aal: 2, fresh: 'medium', notSms: false },
    reason: 'a large order needs a recent second factor',
  },
  {
    name: 'order-aal2',
    principal: 'session',
    actions: ['place_order'],
    effect: { aal: 2, fresh: 'session', notSms: false },
    reason: 'opening or enlarging a position needs a second factor',
  },
  {
    name: 'margin-and-products-fresh',
    principal: 'session',
    actions: ['use_margin', 'request_permission', 'loosen_limits'],
    effect: { aal: 2, fresh: 'medium', notSms: false },
    reason: 'more leverage or a new product class needs a recent second factor',
  },
  {
    name: 'security-change-fresh-not-sms',
    principal: 'session',
    actions: SECURITY_CHANGES,
    effect: { aal: 2, fresh: 'high', notSms: true },
    reason: 'security changes need a very recent second factor other than SMS',
  },
  {
    name: 'large-withdrawal-aal3',
    principal: 'session',
    actions: ['withdraw'],
    above: 'withdrawAal3Above',
    effect: { aal: 3, fresh: 'high', notSms: true },
    reason: 'a large withdrawal needs a hardware security key',
  },
  {
    name: 'withdrawal-fresh-not-sms',
    principal: 'session',
    actions: ['withdraw'],
    effect: { aal: 2, fresh: 'high', notSms: true },
    reason: 'a withdrawal needs a very recent second factor other than SMS',
  },
];
