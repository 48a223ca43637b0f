/**
 * Inputs of the pre-trade pipeline that are not the account's running state:
 * who is acting, what the account may do, the limits, prices and the clock.
 */

import type { InstrumentCatalogue } from '../trading/catalogue.ts';
import { type Decimal, dec } from '../trading/decimal.ts';
import type { AssetClass } from '../trading/instruments.ts';
import type { OrderType } from '../trading/orders.ts';
import type { QuoteSource } from '../trading/quotes.ts';

export const ROLES = ['owner', 'trader', 'viewer', 'advisor'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may place orders. Advisors trade but never withdraw (enforced by policy, not here). */
export const TRADING_ROLES: ReadonlySet<Role> = new Set(['owner', 'trader', 'advisor']);

export type AccountType = 'cash' | 'margin';

/**
 * Option permission levels:
 * 0 none; 1 long options and covered calls; 2 + cash-secured puts;
 * 3 + uncovered puts (margin account); 4 + uncovered calls (margin account).
 */
export type OptionLevel = 0 | 1 | 2 | 3 | 4;

export interface ProductPermissions {
  /** Stocks and ETFs. */
  readonly stocks: boolean;
  readonly options: OptionLevel;
  readonly futures: boolean;
  readonly forex: boolean;
  readonly forecast: boolean;
}

export interface AccountProfile {
  readonly accountType: AccountType;
  readonly permissions: ProductPermissions;
  /** ISO 3166 alpha-2 region of the account's legal entity. */
  readonly region: string;
}

/** Limits a credential (API key or delegated token) carries on top of the account's. */
export interface CredentialLimits {
  readonly id: string;
  readonly kind: 'api_key' | 'delegated_token';
  readonly allowedSymbols?: ReadonlySet<string>;
  readonly allowedAssetClasses?: ReadonlySet<AssetClass>;
  readonly allowedOrderTypes?: ReadonlySet<OrderType>;
  readonly maxOrderNotional?: Decimal;
  readonly maxDailyNotional?: Decimal;
  readonly maxOpenOrders?: number;
  readonly reduceOnly?: boolean;
}

export interface Actor {
  readonly role: Role;
  /** Present when the order arrives through an API key or delegated token. */
  readonly credential?: CredentialLimits;
}

export interface RiskLimits {
  /** Per-order quantity cap per asset class. */
  readonly maxOrderQuantity: Readonly<Record<AssetClass, Decimal>>;
  /** Per-order value cap per asset class, in the account currency. */
  readonly maxOrderNotional: Readonly<Record<AssetClass, Decimal>>;
  readonly maxOpenOrders: number;
  /** Absolute position cap per symbol, by asset class, with per-symbol overrides. */
  readonly maxPosition: Readonly<Record<AssetClass, Decimal>>;
  readonly positionOverrides?: ReadonlyMap<string, Decimal>;
  /** Largest tolerated loss today (positive amount, account currency). */
  readonly dailyLossLimit: Decimal;
  /** Allowed distance of a limit price from the reference price, as a fraction, per asset class. */
  readonly priceCollar: Readonly<Record<AssetClass, Decimal>>;
  /** An identical order within this many ms of the last one is a duplicate. */
  readonly duplicateWindowMs: number;
  /** At most `maxOrders` accepted orders in any `windowMs`. */
  readonly throttle: { readonly maxOrders: number; readonly windowMs: number };
}

/** Where the reference (last) price of a symbol comes from. */
export interface PriceSource {
  referencePrice(symbol: string): Decimal | undefined;
}

export interface RiskContext {
  /** Epoch milliseconds of the decision. */
  readonly now: number;
  readonly catalogue: InstrumentCatalogue;
  readonly prices: PriceSource;
  readonly account: AccountProfile;
  readonly actor: Actor;
  readonly limits: RiskLimits;
}

const perClass = (values: Record<AssetClass, string>): Readonly<Record<AssetClass, Decimal>> =>
  Object.freeze(
    Object.fromEntries(Object.entries(values).map(([k, v]) => [k, dec(v)])) as Record<AssetClass, Decimal>,
  );

/** Conservative defaults for a retail account; accounts override them. */
export const DEFAULT_RISK_LIMITS: RiskLimits = Object.freeze({
  maxOrderQuantity: perClass({
    stock: '100000',
    etf: '100000',
    option: '500',
    future: '50',
    forex: '10000000',
    forecast: '100000',
  }),
  maxOrderNotional: perClass({
    stock: '1000000',
    etf: '1000000',
    option: '250000',
    future: '5000000',
    forex: '10000000',
    forecast: '50000',
  }),
  maxOpenOrders: 500,
  maxPosition: perClass({
    stock: '250000',
    etf: '250000',
    option: '2000',
    future: '200',
    forex: '50000000',
    forecast: '250000',
  }),
  dailyLossLimit: dec('50000'),
  priceCollar: perClass({
    stock: '0.10',
    etf: '0.10',
    option: '0.50',
    future: '0.05',
    forex: '0.02',
    forecast: '0.50',
  }),
  duplicateWindowMs: 2_000,
  throttle: Object.freeze({ maxOrders: 50, windowMs: 1_000 }),
});

/** A PriceSource that never knows a price (checks fall back to instrument reference prices). */
export const NO_PRICES: PriceSource = { referencePrice: () => undefined };

/** Reference prices from a quote source: the last traded price. */
export function pricesFromQuotes(source: QuoteSource): PriceSource {
  return { referencePrice: (symbol) => source.getQuote(symbol)?.last };
}
