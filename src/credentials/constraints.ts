/**
 * Constraints carried by an API key or a delegated token, and the pure checks
 * that enforce them on each request and each order.
 *
 * Constraints arrive as JSON (key creation, token claims) and are compiled
 * once: every problem is reported together (CONSTRAINTS_INVALID with
 * `details.problems`), then lookups become sets, CIDR ranges are parsed and
 * money limits become exact integers. The checks are short named steps run in
 * a fixed order; the first refusal wins.
 *
 * Omitted optional fields mean "no restriction of this kind"; an empty list is
 * refused as ambiguous. Lifetimes and rotation live in `lifetime.ts`.
 */
import { formatAmount, parseAmount } from './amount.ts';
import { type CidrRange, ipAllowed, parseCidr } from './cidr.ts';
import { OK, type Ok, type Refusal, refuse } from './codes.ts';

export const ENVIRONMENTS = ['paper', 'live'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
/** Mirrors ASSET_CLASSES of src/trading/instruments.ts (kept here so this core has no dependency). */
export const ASSET_CLASSES = ['stock', 'etf', 'option', 'future', 'forex', 'forecast'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

/** The JSON form, as stored and as sent in API requests and token claims. Money is decimal text. */
export interface CredentialConstraints {
  accounts: string[];
  environment: Environment;
  assetClasses?: AssetClass[];
  symbols?: string[];
  orderTypes?: OrderType[];
  maxOrderNotional?: string;
  maxDailyNotional?: string;
  maxOpenOrders?: number;
  ipAllowlist?: string[];
}

export interface CompiledConstraints {
  /** Normalised JSON form (symbols upper-cased, duplicates removed). */
  source: CredentialConstraints;
  accounts: ReadonlySet<string>;
  environment: Environment;
  assetClasses: ReadonlySet<string> | undefined;
  symbols: ReadonlySet<string> | undefined;
  orderTypes: ReadonlySet<string> | undefined;
  /** In 10^-18 units (see amount.ts). */
  maxOrderNotional: bigint | undefined;
  maxDailyNotional: bigint | undefined;
  maxOpenOrders: number | undefined;
  ipAllowlist: readonly CidrRange[] | undefined;
}

const ACCOUNT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SYMBOL = /^[A-Za-z0-9._/:-]{1,32}$/;
const FIELDS = new Set([
  'accounts',
  'environment',
  'assetClasses',
  'symbols',
  'orderTypes',
  'maxOrderNotional',
  'maxDailyNotional',
  'maxOpenOrders',
  'ipAllowlist',
]);

type Problems = string[];

function list(
  input: Record<string, unknown>,
  field: string,
  max: number,
  problems: Problems,
): string[] | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > max) {
    problems.push(`${field} must be omitted or a list of 1 to ${max} entries`);
    return undefined;
  }
  if (!value.every((v) => typeof v === 'string')) {
    problems.push(`${field} must contain only strings`);
    return undefined;
  }
  return [...new Set(value as string[])];
}

function oneOf<T extends string>(
  values: string[] | undefined,
  allowed: readonly T[],
  field: string,
  problems: Problems,
): T[] | undefined {
  const bad = values?.filter((v) => !(allowed as readonly string[]).includes(v)) ?? [];
  if (bad.length > 0)
    problems.push(`${field} has unknown values ${bad.join(', ')}; allowed: ${allowed.join(', ')}`);
  return values as T[] | undefined;
}

function matching(values: string[] | undefined, pattern: RegExp, field: string, problems: Problems): void {
  const bad = values?.filter((v) => !pattern.test(v)) ?? [];
  if (bad.length > 0) problems.push(`${field} has malformed entries ${bad.slice(0, 5).join(', ')}`);
}

function amount(input: Record<string, unknown>, field: string, problems: Problems): bigint | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  const units = typeof value === 'string' ? parseAmount(value) : undefined;
  if (units === undefined || units === 0n) {
    problems.push(`${field} must be a positive decimal string such as "25000.00"`);
    return undefined;
  }
  return units;
}

function openOrders(input: Record<string, unknown>, problems: Problems): number | undefined {
  const value = input['maxOpenOrders'];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10_000) {
    problems.push('maxOpenOrders must be an integer from 1 to 10000');
    return undefined;
  }
  return value;
}

function cidrs(values: string[] | undefined, problems: Problems): CidrRange[] | undefined {
  if (values === undefined) return undefined;
  const ranges: CidrRange[] = [];
  for (const text of values) {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') problems.push(`ipAllowlist: ${parsed}`);
    else ranges.push(parsed);
  }
  return ranges;
}

function fieldsOf(input: unknown, problems: Problems): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push('constraints must be an object');
    return {};
  }
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) problems.push(`unknown field ${key}`);
  return input as Record<string, unknown>;
}

/** Validates untrusted constraints, reporting every problem at once, and prepares them for the checks. */
export function compileConstraints(
  input: unknown,
): { ok: true; constraints: CompiledConstraints } | Refusal<'CONSTRAINTS_INVALID'> {
  const problems: Problems = [];
  const fields = fieldsOf(input, problems);
  const accounts = list(fields, 'accounts', 100, problems);
  if (fields['accounts'] === undefined) problems.push('accounts is required');
  matching(accounts, ACCOUNT_ID, 'accounts', problems);
  const environment = fields['environment'];
  if (environment !== 'paper' && environment !== 'live')
    problems.push('environment must be "paper" or "live"');
  const assetClasses = oneOf(
    list(fields, 'assetClasses', 10, problems),
    ASSET_CLASSES,
    'assetClasses',
    problems,
  );
  const symbols = list(fields, 'symbols', 1000, problems)?.map((s) => s.toUpperCase());
  matching(symbols, SYMBOL, 'symbols', problems);
  const orderTypes = oneOf(list(fields, 'orderTypes', 10, problems), ORDER_TYPES, 'orderTypes', problems);
  const maxOrderNotional = amount(fields, 'maxOrderNotional', problems);
  const maxDailyNotional = amount(fields, 'maxDailyNotional', problems);
  if (
    maxOrderNotional !== undefined &&
    maxDailyNotional !== undefined &&
    maxOrderNotional > maxDailyNotional
  ) {
    problems.push('maxOrderNotional must not exceed maxDailyNotional');
  }
  const maxOpenOrders = openOrders(fields, problems);
  const ipList = list(fields, 'ipAllowlist', 100, problems);
  const ipAllowlist = cidrs(ipList, problems);
  if (problems.length > 0) return refuse('CONSTRAINTS_INVALID', { problems });
  const source: CredentialConstraints = {
    accounts: accounts!,
    environment: environment as Environment,
    ...(assetClasses && { assetClasses: [...new Set(assetClasses)] }),
    ...(symbols && { symbols: [...new Set(symbols)] }),
    ...(orderTypes && { orderTypes }),
    ...(maxOrderNotional !== undefined && { maxOrderNotional: formatAmount(maxOrderNotional) }),
    ...(maxDailyNotional !== undefined && { maxDailyNotional: formatAmount(maxDailyNotional) }),
    ...(maxOpenOrders !== undefined && { maxOpenOrders }),
    ...(ipList && { ipAllowlist: ipList }),
  };
  const constraints: CompiledConstraints = {
    source,
    accounts: new Set(source.accounts),
    environment: source.environment,
    assetClasses: assetClasses && new Set(assetClasses),
    symbols: source.symbols && new Set(source.symbols),
    orderTypes: orderTypes && new Set(orderTypes),
    maxOrderNotional,
    maxDailyNotional,
    maxOpenOrders,
    ipAllowlist,
  };
  return { ok: true, constraints };
}

// ── Checks on every request ────────────────────────────────────────────────

export interface RequestContext {
  accountId: string;
  /** The environment the request addresses (the host or route decides). */
  environment: Environment;
  /** The client address as the server sees it (IPv4, IPv6 or IPv4-mapped IPv6). */
  ip: string;
}

type RequestRefusal = Refusal<'ENVIRONMENT_MISMATCH' | 'ACCOUNT_NOT_ALLOWED' | 'IP_NOT_ALLOWED'>;
type Step<Ctx, R> = readonly [name: string, check: (c: CompiledConstraints, ctx: Ctx) => Ok | R];

export const REQUEST_CHECKS: readonly Step<RequestContext, RequestRefusal>[] = [
  [
    'environment',
    (c, r) =>
      c.environment === r.environment
        ? OK
        : refuse('ENVIRONMENT_MISMATCH', { credential: c.environment, requested: r.environment }),
  ],
  [
    'account',
    (c, r) => (c.accounts.has(r.accountId) ? OK : refuse('ACCOUNT_NOT_ALLOWED', { accountId: r.accountId })),
  ],
  [
    'ip',
    (c, r) =>
      c.ipAllowlist === undefined || ipAllowed(c.ipAllowlist, r.ip)
        ? OK
        : refuse('IP_NOT_ALLOWED', { ip: r.ip }),
  ],
];

export function checkRequest(c: CompiledConstraints, request: RequestContext): Ok | RequestRefusal {
  for (const [, check] of REQUEST_CHECKS) {
    const result = check(c, request);
    if (!result.ok) return result;
  }
  return OK;
}

// ── Checks on every order ──────────────────────────────────────────────────

export interface OrderContext {
  symbol: string;
  assetClass: AssetClass;
  type: OrderType;
  /** Notional in the account currency, decimal text computed by the order path. */
  notional: string;
  /** Notional already sent today with this credential, decimal text. */
  dailyNotionalUsed: string;
  /** Open orders of this credential before this one. */
  openOrders: number;
  /**
   * True when the risk pipeline has established that the order only shrinks a
   * position. Such orders skip the daily-notional and open-order caps, so a
   * bot that spent its budget can still get flat (asymmetric friction).
   */
  reducesRisk: boolean;
}

type OrderRefusal = Refusal<
  | 'SYMBOL_NOT_ALLOWED'
  | 'ASSET_CLASS_NOT_ALLOWED'
  | 'ORDER_TYPE_NOT_ALLOWED'
  | 'ORDER_NOTIONAL_EXCEEDED'
  | 'DAILY_NOTIONAL_EXCEEDED'
  | 'OPEN_ORDERS_EXCEEDED'
>;

function units(text: string, field: string): bigint {
  const value = parseAmount(text);
  if (value === undefined) throw new TypeError(`${field} must be a non-negative decimal string, got ${text}`);
  return value;
}

export const ORDER_CHECKS: readonly Step<OrderContext, OrderRefusal>[] = [
  [
    'symbol',
    (c, o) =>
      c.symbols === undefined || c.symbols.has(o.symbol.toUpperCase())
        ? OK
        : refuse('SYMBOL_NOT_ALLOWED', { symbol: o.symbol }),
  ],
  [
    'assetClass',
    (c, o) =>
      c.assetClasses === undefined || c.assetClasses.has(o.assetClass)
        ? OK
        : refuse('ASSET_CLASS_NOT_ALLOWED', { assetClass: o.assetClass, allowed: c.source.assetClasses }),
  ],
  [
    'orderType',
    (c, o) =>
      c.orderTypes === undefined || c.orderTypes.has(o.type)
        ? OK
        : refuse('ORDER_TYPE_NOT_ALLOWED', { type: o.type, allowed: c.source.orderTypes }),
  ],
  [
    'orderNotional',
    (c, o) =>
      c.maxOrderNotional === undefined || units(o.notional, 'notional') <= c.maxOrderNotional
        ? OK
        : refuse('ORDER_NOTIONAL_EXCEEDED', { notional: o.notional, max: c.source.maxOrderNotional }),
  ],
  [
    'dailyNotional',
    (c, o) =>
      c.maxDailyNotional === undefined ||
      o.reducesRisk ||
      units(o.dailyNotionalUsed, 'dailyNotionalUsed') + units(o.notional, 'notional') <= c.maxDailyNotional
        ? OK
        : refuse('DAILY_NOTIONAL_EXCEEDED', {
            notional: o.notional,
            used: o.dailyNotionalUsed,
            max: c.source.maxDailyNotional,
          }),
  ],
  [
    'openOrders',
    (c, o) =>
      c.maxOpenOrders === undefined || o.reducesRisk || o.openOrders < c.maxOpenOrders
        ? OK
        : refuse('OPEN_ORDERS_EXCEEDED', { openOrders: o.openOrders, max: c.maxOpenOrders }),
  ],
];

export function checkOrder(c: CompiledConstraints, order: OrderContext): Ok | OrderRefusal {
  for (const [, check] of ORDER_CHECKS) {
    const result = check(c, order);
    if (!result.ok) return result;
  }
  return OK;
}

// Expiry and rotation rules belong to the constraint model; they live in lifetime.ts for size.
export {
  checkSecret,
  DEFAULT_GRACE_MS,
  DEFAULT_KEY_LIFETIME_MS,
  isSecretValid,
  type LifetimeRequest,
  MAX_GRACE_MS,
  MAX_KEY_LIFETIME_MS,
  maxLifetimeMs,
  resolveExpiry,
  rotateSecret,
  type SecretLifetime,
  type SecretStatus,
  secretStatus,
  UNRESTRICTED_LIVE_TRADE_MAX_MS,
} from './lifetime.ts';
