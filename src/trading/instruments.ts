/**
 * Instruments: what can be traded, in which units, when, and by whom.
 *
 * Every price-like field is a Decimal. `volatility` is a model parameter for
 * the quote simulator (annualised, as a fraction), not money, so it is a plain
 * number. Builders take decimal text so literals never pass through floats.
 */

import {
  ALWAYS_OPEN,
  type CalendarStatus,
  CME_GLOBEX_HOURS,
  calendarStatus,
  epochDayOf,
  FX_24X5_HOURS,
  localTime,
  type TradingCalendar,
  US_EQUITY_HOURS,
} from './calendar.ts';
import { Decimal, dec } from './decimal.ts';

export const ASSET_CLASSES = ['stock', 'etf', 'option', 'future', 'forex', 'forecast'] as const;
export type AssetClass = (typeof ASSET_CLASSES)[number];

/** Accounts are kept in one currency; instruments quote in it or are FX pairs based on it. */
export const ACCOUNT_CURRENCY = 'USD';

interface InstrumentBase {
  readonly symbol: string;
  readonly name: string;
  readonly assetClass: AssetClass;
  /** Currency the price is quoted in. */
  readonly currency: string;
  /** Value of one unit of price movement per unit of quantity (100 for US options). */
  readonly multiplier: Decimal;
  readonly tickSize: Decimal;
  readonly lotSize: Decimal;
  /** Seed price for the simulator and fallback reference for collars. */
  readonly referencePrice: Decimal;
  /** Annualised volatility as a fraction (0.25 = 25%), for simulation only. */
  readonly volatility: number;
  readonly calendar: TradingCalendar;
  /** Regions (ISO 3166 alpha-2) whose customers may trade it; undefined means everyone. */
  readonly eligibleRegions?: readonly string[];
  /** Last local date on which it trades (ISO), and the same as days since 1970-01-01. */
  readonly lastTradingDay?: string;
  readonly lastTradingEpochDay?: number;
}

export interface EquityInstrument extends InstrumentBase {
  readonly assetClass: 'stock' | 'etf';
  readonly exchange: string;
}

export interface OptionInstrument extends InstrumentBase {
  readonly assetClass: 'option';
  readonly underlying: string;
  readonly right: 'call' | 'put';
  readonly strike: Decimal;
  readonly expiry: string;
}

export interface FutureInstrument extends InstrumentBase {
  readonly assetClass: 'future';
  readonly exchange: string;
  /** Fixed exchange margin per contract, in the instrument currency. */
  readonly initialMargin: Decimal;
  readonly maintenanceMargin: Decimal;
}

export interface ForexInstrument extends InstrumentBase {
  readonly assetClass: 'forex';
  readonly baseCurrency: string;
  readonly quoteCurrency: string;
  /** Margin as a fraction of notional (0.03 = 3%, i.e. 33:1 leverage). */
  readonly marginRate: Decimal;
}

export interface ForecastInstrument extends InstrumentBase {
  readonly assetClass: 'forecast';
  readonly eligibleRegions: readonly string[];
  /** Pays 1 per contract if the event happens, 0 otherwise. */
  readonly question: string;
}

export type Instrument =
  | EquityInstrument
  | OptionInstrument
  | FutureInstrument
  | ForexInstrument
  | ForecastInstrument;

type Common = { symbol: string; name: string; price: string; volatility: number };

function expiring(isoDate: string): { lastTradingDay: string; lastTradingEpochDay: number } {
  return { lastTradingDay: isoDate, lastTradingEpochDay: epochDayOf(isoDate) };
}

export function stock(spec: Common & { exchange?: string; etf?: boolean }): EquityInstrument {
  return Object.freeze({
    symbol: spec.symbol,
    name: spec.name,
    assetClass: spec.etf ? 'etf' : 'stock',
    exchange: spec.exchange ?? (spec.etf ? 'NYSEARCA' : 'NASDAQ'),
    currency: ACCOUNT_CURRENCY,
    multiplier: Decimal.ONE,
    tickSize: dec('0.01'),
    lotSize: Decimal.ONE,
    referencePrice: dec(spec.price),
    volatility: spec.volatility,
    calendar: US_EQUITY_HOURS,
  });
}

/** A US equity option; symbol is ROOT + YYMMDD + C|P + strike (e.g. AAPL271217C200). */
export function option(spec: {
  underlying: string;
  expiry: string;
  right: 'call' | 'put';
  strike: string;
  price: string;
  volatility: number;
}): OptionInstrument {
  const yymmdd = spec.expiry.slice(2).replaceAll('-', '');
  const symbol = `${spec.underlying}${yymmdd}${spec.right === 'call' ? 'C' : 'P'}${spec.strike}`;
  return Object.freeze({
    symbol,
    name: `${spec.underlying} ${spec.expiry} ${spec.strike} ${spec.right}`,
    assetClass: 'option',
    underlying: spec.underlying,
    right: spec.right,
    strike: dec(spec.strike),
    expiry: spec.expiry,
    currency: ACCOUNT_CURRENCY,
    multiplier: dec('100'),
    tickSize: dec('0.01'),
    lotSize: Decimal.ONE,
    referencePrice: dec(spec.price),
    volatility: spec.volatility,
    calendar: US_EQUITY_HOURS,
    ...expiring(spec.expiry),
  });
}

export function future(
  spec: Common & {
    exchange: string;
    multiplier: string;
    tick: string;
    initialMargin: string;
    maintenanceMargin: string;
  },
): FutureInstrument {
  return Object.freeze({
    symbol: spec.symbol,
    name: spec.name,
    assetClass: 'future',
    exchange: spec.exchange,
    currency: ACCOUNT_CURRENCY,
    multiplier: dec(spec.multiplier),
    tickSize: dec(spec.tick),
    lotSize: Decimal.ONE,
    referencePrice: dec(spec.price),
    volatility: spec.volatility,
    calendar: CME_GLOBEX_HOURS,
    initialMargin: dec(spec.initialMargin),
    maintenanceMargin: dec(spec.maintenanceMargin),
  });
}

/** A spot FX pair; quantity is in base-currency units, in lots of 1,000 (micro lots). */
export function forex(spec: {
  base: string;
  quote: string;
  price: string;
  tick: string;
  volatility: number;
  marginRate: string;
}): ForexInstrument {
  return Object.freeze({
    symbol: spec.base + spec.quote,
    name: `${spec.base}/${spec.quote}`,
    assetClass: 'forex',
    baseCurrency: spec.base,
    quoteCurrency: spec.quote,
    currency: spec.quote,
    multiplier: Decimal.ONE,
    tickSize: dec(spec.tick),
    lotSize: dec('1000'),
    referencePrice: dec(spec.price),
    volatility: spec.volatility,
    calendar: FX_24X5_HOURS,
    marginRate: dec(spec.marginRate),
  });
}

/** An event contract priced in (0, 1) that settles at 1 or 0; US customers only. */
export function forecast(spec: Common & { question: string; closes: string }): ForecastInstrument {
  return Object.freeze({
    symbol: spec.symbol,
    name: spec.name,
    question: spec.question,
    assetClass: 'forecast',
    currency: ACCOUNT_CURRENCY,
    multiplier: Decimal.ONE,
    tickSize: dec('0.01'),
    lotSize: Decimal.ONE,
    referencePrice: dec(spec.price),
    volatility: spec.volatility,
    calendar: ALWAYS_OPEN,
    eligibleRegions: Object.freeze(['US']),
    ...expiring(spec.closes),
  });
}

export type Tradability = CalendarStatus | 'expired';

/** Whether the instrument trades at an instant, and if not, why. */
export function tradability(instrument: Instrument, at: Date | number): Tradability {
  const ms = typeof at === 'number' ? at : at.getTime();
  const last = instrument.lastTradingEpochDay;
  if (last !== undefined && localTime(instrument.calendar.timeZone, ms).epochDay > last) return 'expired';
  return calendarStatus(instrument.calendar, ms);
}

export function isTradable(instrument: Instrument, at: Date | number): boolean {
  return tradability(instrument, at) === 'open';
}

/** Whether a customer of a region may trade the instrument. */
export function isEligible(instrument: Instrument, region: string): boolean {
  return instrument.eligibleRegions === undefined || instrument.eligibleRegions.includes(region);
}

/** Forecast contracts are priced strictly between 0 and 1. */
export function isForecast(instrument: Instrument): instrument is ForecastInstrument {
  return instrument.assetClass === 'forecast';
}
