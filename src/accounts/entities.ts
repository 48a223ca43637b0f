/**
 * Legal entities as data: who books the account, which product classes it
 * offers, its base currency, and the daily withdrawal limit for each kind of
 * strongest second factor (configurable with PORTCULLIS_WITHDRAWAL_LIMITS).
 */
import { type Decimal, dec } from '../trading/decimal.ts';
import type { AssetClass } from '../trading/instruments.ts';

/** Second-factor kinds ordered from weakest to strongest, for withdrawal limits. */
export const FACTOR_TIERS = ['none', 'sms', 'totp', 'push', 'device_key', 'webauthn'] as const;
export type FactorTier = (typeof FACTOR_TIERS)[number];

export interface LegalEntity {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly baseCurrency: string;
  readonly products: readonly AssetClass[];
  readonly withdrawalLimits: Readonly<Record<FactorTier, Decimal>>;
}

export const DEFAULT_WITHDRAWAL_LIMITS =
  'none:1000,sms:10000,totp:50000,push:100000,device_key:100000,webauthn:250000';

/** Parses "tier:amount,…"; every tier must be present. Throws TypeError on a malformed table. */
export function parseWithdrawalLimits(text: string): Record<FactorTier, Decimal> {
  const out: Partial<Record<FactorTier, Decimal>> = {};
  for (const part of text.split(',')) {
    const [tier, amount] = part.split(':');
    if (!(FACTOR_TIERS as readonly string[]).includes(tier ?? '') || amount === undefined) {
      throw new TypeError(`withdrawal limit entry "${part}" is not tier:amount`);
    }
    out[tier as FactorTier] = dec(amount);
  }
  for (const tier of FACTOR_TIERS)
    if (!out[tier]) throw new TypeError(`withdrawal limit for ${tier} missing`);
  return out as Record<FactorTier, Decimal>;
}

const ALL: readonly AssetClass[] = ['stock', 'etf', 'option', 'future', 'forex', 'forecast'];
const NO_FORECAST: readonly AssetClass[] = ['stock', 'etf', 'option', 'future', 'forex'];

/** The seeded entities: forecast contracts only at the US broker-dealer. */
export function seedEntities(limits: Record<FactorTier, Decimal>): LegalEntity[] {
  return [
    {
      id: 'ent_us',
      name: 'Portcullis Securities LLC (US broker-dealer)',
      region: 'US',
      baseCurrency: 'USD',
      products: ALL,
      withdrawalLimits: limits,
    },
    {
      id: 'ent_uk',
      name: 'Portcullis UK Ltd',
      region: 'GB',
      baseCurrency: 'USD',
      products: NO_FORECAST,
      withdrawalLimits: limits,
    },
    {
      id: 'ent_eu',
      name: 'Portcullis Europe SA',
      region: 'EU',
      baseCurrency: 'USD',
      products: NO_FORECAST,
      withdrawalLimits: limits,
    },
  ];
}

const METHOD_TIER: Record<string, FactorTier> = {
  sms: 'sms',
  recovery_code: 'none',
  totp: 'totp',
  push: 'push',
  device_key: 'device_key',
  webauthn: 'webauthn',
};

/** The strongest second factor among a session's factor uses (password alone ⇒ 'none'). */
export function strongestTier(methods: readonly string[]): FactorTier {
  let best = 0;
  for (const m of methods) {
    const tier = METHOD_TIER[m];
    if (tier !== undefined) best = Math.max(best, FACTOR_TIERS.indexOf(tier));
  }
  return FACTOR_TIERS[best]!;
}
