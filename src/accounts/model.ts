/** The account model: records as the services see them, and their JSON column forms. */

import type { TradingState } from '../risk/trading-state.ts';
import type { AccountType, OptionLevel, ProductPermissions, Role } from '../risk/types.ts';

export const ACCOUNT_KINDS = ['individual', 'joint', 'advisor_managed'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const ACCOUNT_STATUSES = ['active', 'frozen', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Market-data feeds an account can subscribe to; quotes of other feeds come back delayed. */
export const FEEDS = ['us_equities', 'us_options', 'cme_futures', 'fx', 'forecast'] as const;
export type Feed = (typeof FEEDS)[number];

/** Limits the owner sets; tightening takes effect at once, loosening needs step-up. */
export interface AccountLimits {
  /** Per-order value cap for every asset class (decimal text, account currency). */
  maxOrderNotional: string;
  maxOpenOrders: number;
  /** Largest tolerated loss today (decimal text). */
  dailyLossLimit: string;
  /** Accepted orders per second. */
  maxOrdersPerSecond: number;
}

export const DEFAULT_ACCOUNT_LIMITS: AccountLimits = Object.freeze({
  maxOrderNotional: '1000000',
  maxOpenOrders: 500,
  dailyLossLimit: '50000',
  maxOrdersPerSecond: 50,
});

export interface AccountRecord {
  id: string;
  entityId: string;
  parentId: string | null;
  name: string;
  kind: AccountKind;
  accountType: AccountType;
  baseCurrency: string;
  status: AccountStatus;
  environment: 'paper' | 'live';
  permissions: ProductPermissions;
  subscriptions: Feed[];
  limits: AccountLimits;
  tradingState: TradingState;
  haltedAt: number | null;
  createdAt: number;
}

export interface Membership {
  accountId: string;
  userId: string;
  role: Role;
}

export const NO_PERMISSIONS: ProductPermissions = Object.freeze({
  stocks: false,
  options: 0 as OptionLevel,
  futures: false,
  forex: false,
  forecast: false,
});
