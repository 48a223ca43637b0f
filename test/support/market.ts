/**
 * Tests against a server on the real clock need an instrument that trades now:
 * spot FX on weekdays, an event contract (24×7) at the weekend.
 */
import { DEFAULT_CATALOGUE, getInstrument } from '../../src/trading/catalogue.ts';
import { isTradable } from '../../src/trading/instruments.ts';

export interface OpenMarket {
  symbol: string;
  /** An order size inside the default per-order limits of the instrument's class. */
  quantity: string;
}

export function openMarketNow(at: number = Date.now()): OpenMarket {
  if (isTradable(getInstrument('EURUSD')!, at)) return { symbol: 'EURUSD', quantity: '1000' };
  const contract = DEFAULT_CATALOGUE.byAssetClass('forecast').find((i) => isTradable(i, at));
  if (!contract) throw new Error('No instrument of the seed catalogue trades now: add a 24×7 one.');
  return { symbol: contract.symbol, quantity: '10' };
}
