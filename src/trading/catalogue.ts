/**
 * The instrument catalogue: a validated, frozen lookup by symbol.
 * `DEFAULT_CATALOGUE` holds the seeded paper-trading universe.
 */

import { ACCOUNT_CURRENCY, type AssetClass, type Instrument } from './instruments.ts';
import { SEED_INSTRUMENTS } from './seed-instruments.ts';

export interface InstrumentCatalogue {
  readonly size: number;
  get(symbol: string): Instrument | undefined;
  has(symbol: string): boolean;
  all(): readonly Instrument[];
  byAssetClass(assetClass: AssetClass): readonly Instrument[];
  /** Options whose underlying is the given symbol. */
  optionsOn(underlying: string): readonly Instrument[];
}

function validate(instrument: Instrument, symbols: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const s = instrument.symbol;
  if (!/^[A-Z0-9][A-Z0-9.-]{0,31}$/.test(s)) problems.push(`${s}: symbol must be 1–32 of A–Z 0–9 . -`);
  for (const field of ['multiplier', 'tickSize', 'lotSize', 'referencePrice'] as const) {
    if (!instrument[field].isPositive()) problems.push(`${s}: ${field} must be positive`);
  }
  if (instrument.tickSize.isPositive() && !instrument.referencePrice.isMultipleOf(instrument.tickSize)) {
    problems.push(`${s}: reference price ${instrument.referencePrice} is not on tick ${instrument.tickSize}`);
  }
  if (!(instrument.volatility > 0 && instrument.volatility < 5))
    problems.push(`${s}: volatility out of range`);
  if (instrument.assetClass === 'forecast' && !instrument.referencePrice.lt(instrument.multiplier)) {
    problems.push(`${s}: forecast reference price must be below 1`);
  }
  if (instrument.assetClass === 'option' && !symbols.has(instrument.underlying)) {
    problems.push(`${s}: underlying ${instrument.underlying} is not in the catalogue`);
  }
  if (instrument.assetClass === 'forex') {
    if (instrument.baseCurrency !== ACCOUNT_CURRENCY && instrument.quoteCurrency !== ACCOUNT_CURRENCY) {
      problems.push(`${s}: FX pairs must have ${ACCOUNT_CURRENCY} on one side`);
    }
  } else if (instrument.currency !== ACCOUNT_CURRENCY) {
    problems.push(`${s}: only ${ACCOUNT_CURRENCY}-quoted instruments are supported`);
  }
  return problems;
}

/** Builds a catalogue; throws TypeError listing every problem at once. */
export function createCatalogue(instruments: Iterable<Instrument>): InstrumentCatalogue {
  const list = [...instruments];
  const bySymbol = new Map<string, Instrument>();
  const problems: string[] = [];
  for (const instrument of list) {
    if (bySymbol.has(instrument.symbol)) problems.push(`${instrument.symbol}: duplicate symbol`);
    bySymbol.set(instrument.symbol, instrument);
  }
  const symbols = new Set(bySymbol.keys());
  for (const instrument of list) problems.push(...validate(instrument, symbols));
  if (problems.length > 0) throw new TypeError(`Invalid instrument catalogue:\n  ${problems.join('\n  ')}`);

  const frozen = Object.freeze(list);
  const byClass = new Map<AssetClass, Instrument[]>();
  const options = new Map<string, Instrument[]>();
  for (const i of frozen) {
    byClass.set(i.assetClass, [...(byClass.get(i.assetClass) ?? []), i]);
    if (i.assetClass === 'option') options.set(i.underlying, [...(options.get(i.underlying) ?? []), i]);
  }
  return Object.freeze({
    size: frozen.length,
    get: (symbol: string) => bySymbol.get(symbol),
    has: (symbol: string) => bySymbol.has(symbol),
    all: () => frozen,
    byAssetClass: (assetClass: AssetClass) => byClass.get(assetClass) ?? [],
    optionsOn: (underlying: string) => options.get(underlying) ?? [],
  });
}

/** The seeded paper-trading universe. */
export const DEFAULT_CATALOGUE: InstrumentCatalogue = createCatalogue(SEED_INSTRUMENTS);

/** Looks a symbol up in the default catalogue. */
export function getInstrument(symbol: string): Instrument | undefined {
  return DEFAULT_CATALOGUE.get(symbol);
}
