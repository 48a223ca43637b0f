/**
 * Pre-trade denial codes: a closed list, each with its one-line meaning.
 * src/risk/README.md lists the same codes (a test compares them).
 */

export const DENIAL_CODES = {
  TRADING_HALTED: 'Trading is halted for the account; only cancellations are accepted.',
  TRADING_REDUCING_ONLY:
    'The account is in REDUCING state; only orders that shrink a position without flipping it pass.',
  REDUCE_ONLY_WOULD_INCREASE: 'The order is marked reduce-only but would open, enlarge or flip a position.',
  ROLE_CANNOT_TRADE: 'The member’s role on the account does not allow placing orders (viewer).',
  PRODUCT_NOT_PERMITTED: 'The account has no permission for this product class.',
  OPTION_LEVEL_INSUFFICIENT: 'The option strategy needs a higher option permission level.',
  MARGIN_ACCOUNT_REQUIRED:
    'The order needs a margin account (short selling, futures, FX, uncovered options).',
  INSTRUMENT_NOT_ELIGIBLE: 'Customers of the account’s region may not trade this instrument.',
  INSTRUMENT_UNKNOWN: 'No instrument has this symbol.',
  MARKET_CLOSED: 'The instrument’s venue is closed now (outside its sessions or on a holiday).',
  INSTRUMENT_EXPIRED: 'The instrument is past its last trading day.',
  SIDE_INVALID: 'The side is neither buy nor sell.',
  ORDER_TYPE_INVALID: 'The order type is not market, limit, stop or stop_limit.',
  TIME_IN_FORCE_INVALID: 'The time in force is unknown or not allowed for this order type.',
  QUANTITY_NOT_POSITIVE: 'The quantity must be greater than zero.',
  QUANTITY_NOT_LOT_MULTIPLE: 'The quantity is not a whole number of lots.',
  LIMIT_PRICE_MISSING: 'A limit or stop_limit order needs a limit price.',
  STOP_PRICE_MISSING: 'A stop or stop_limit order needs a stop price.',
  PRICE_NOT_ALLOWED: 'A price was given that this order type does not take.',
  PRICE_NOT_POSITIVE: 'Prices must be greater than zero.',
  PRICE_NOT_ON_TICK: 'The price is not a multiple of the instrument’s tick size.',
  PRICE_OUT_OF_RANGE:
    'The price is outside the instrument’s possible range (forecast contracts trade below 1).',
  PRICE_OUTSIDE_COLLAR: 'The limit price is too far from the reference price.',
  QUANTITY_EXCEEDS_MAX: 'The quantity is above the per-order maximum for the asset class.',
  NOTIONAL_EXCEEDS_MAX: 'The order’s value is above the per-order maximum for the asset class.',
  OPEN_ORDERS_EXCEEDED: 'The account already has the maximum number of open orders.',
  POSITION_LIMIT_EXCEEDED: 'If all same-side open orders and this one fill, the position exceeds its limit.',
  DAILY_LOSS_LIMIT_EXCEEDED: 'Today’s realised plus unrealised loss is beyond the daily loss limit.',
  INSUFFICIENT_BUYING_POWER: 'The order’s margin or cash requirement is more than the available funds.',
  DUPLICATE_ORDER: 'An identical order (symbol, side, type, quantity, prices) was accepted moments ago.',
  ORDER_RATE_EXCEEDED: 'Too many orders were accepted within the throttle window.',
  CREDENTIAL_SYMBOL_NOT_ALLOWED: 'The API key or delegated token may not trade this symbol.',
  CREDENTIAL_ASSET_CLASS_NOT_ALLOWED: 'The API key or delegated token may not trade this asset class.',
  CREDENTIAL_ORDER_TYPE_NOT_ALLOWED: 'The API key or delegated token may not use this order type.',
  CREDENTIAL_REDUCE_ONLY: 'The API key or delegated token may only reduce positions.',
  CREDENTIAL_ORDER_NOTIONAL_EXCEEDED: 'The order’s value is above the credential’s per-order maximum.',
  CREDENTIAL_DAILY_NOTIONAL_EXCEEDED: 'The order would take the credential beyond its daily traded value.',
  CREDENTIAL_OPEN_ORDERS_EXCEEDED: 'The credential already has its maximum number of open orders.',
} as const satisfies Record<string, string>;

export type DenialCode = keyof typeof DENIAL_CODES;

/** A check's refusal: a stable code, a readable message and its key values as strings. */
export interface Denial {
  readonly code: DenialCode;
  readonly check: string;
  readonly message: string;
  /** Key values, decimals as canonical decimal text. */
  readonly values: Readonly<Record<string, string>>;
}

/** `CODE: key=value, key=value`, the one-line form used in logs and audit events. */
export function formatDenial(denial: Denial): string {
  const parts = Object.entries(denial.values).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? denial.code : `${denial.code}: ${parts.join(', ')}`;
}
