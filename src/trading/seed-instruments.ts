/**
 * The seeded paper-trading universe (50 instruments). Prices are plausible
 * starting points for the simulator, not market data. Futures are continuous
 * front-month contracts; margins approximate exchange levels.
 */

import { forecast, forex, future, type Instrument, option, stock } from './instruments.ts';

const STOCKS: Instrument[] = [
  stock({ symbol: 'AAPL', name: 'Apple Inc.', price: '190.00', volatility: 0.28 }),
  stock({ symbol: 'MSFT', name: 'Microsoft Corp.', price: '420.00', volatility: 0.25 }),
  stock({ symbol: 'NVDA', name: 'NVIDIA Corp.', price: '120.00', volatility: 0.5 }),
  stock({ symbol: 'AMZN', name: 'Amazon.com Inc.', price: '185.00', volatility: 0.32 }),
  stock({ symbol: 'GOOGL', name: 'Alphabet Inc. Class A', price: '170.00', volatility: 0.3 }),
  stock({ symbol: 'META', name: 'Meta Platforms Inc.', price: '500.00', volatility: 0.38 }),
  stock({ symbol: 'TSLA', name: 'Tesla Inc.', price: '240.00', volatility: 0.6 }),
  stock({ symbol: 'JPM', name: 'JPMorgan Chase & Co.', price: '200.00', volatility: 0.22, exchange: 'NYSE' }),
  stock({ symbol: 'XOM', name: 'Exxon Mobil Corp.', price: '115.00', volatility: 0.25, exchange: 'NYSE' }),
  stock({ symbol: 'JNJ', name: 'Johnson & Johnson', price: '155.00', volatility: 0.16, exchange: 'NYSE' }),
  stock({ symbol: 'V', name: 'Visa Inc. Class A', price: '275.00', volatility: 0.2, exchange: 'NYSE' }),
  stock({ symbol: 'KO', name: 'The Coca-Cola Co.', price: '62.00', volatility: 0.14, exchange: 'NYSE' }),
];

const ETFS: Instrument[] = [
  stock({ symbol: 'SPY', name: 'SPDR S&P 500 ETF Trust', price: '550.00', volatility: 0.16, etf: true }),
  stock({
    symbol: 'QQQ',
    name: 'Invesco QQQ Trust',
    price: '480.00',
    volatility: 0.21,
    etf: true,
    exchange: 'NASDAQ',
  }),
  stock({ symbol: 'IWM', name: 'iShares Russell 2000 ETF', price: '210.00', volatility: 0.24, etf: true }),
  stock({ symbol: 'GLD', name: 'SPDR Gold Shares', price: '230.00', volatility: 0.15, etf: true }),
  stock({
    symbol: 'TLT',
    name: 'iShares 20+ Year Treasury Bond ETF',
    price: '92.00',
    volatility: 0.15,
    etf: true,
  }),
  stock({
    symbol: 'EEM',
    name: 'iShares MSCI Emerging Markets ETF',
    price: '43.00',
    volatility: 0.2,
    etf: true,
  }),
];

const NEAR = '2027-03-19';
const FAR = '2027-12-17';

const OPTIONS: Instrument[] = [
  option({ underlying: 'AAPL', expiry: NEAR, right: 'call', strike: '180', price: '22.40', volatility: 0.3 }),
  option({ underlying: 'AAPL', expiry: NEAR, right: 'put', strike: '180', price: '8.10', volatility: 0.3 }),
  option({ underlying: 'AAPL', expiry: FAR, right: 'call', strike: '200', price: '24.75', volatility: 0.3 }),
  option({ underlying: 'AAPL', expiry: FAR, right: 'put', strike: '200', price: '26.30', volatility: 0.3 }),
  option({ underlying: 'SPY', expiry: NEAR, right: 'call', strike: '540', price: '38.20', volatility: 0.18 }),
  option({ underlying: 'SPY', expiry: NEAR, right: 'put', strike: '540', price: '17.90', volatility: 0.18 }),
  option({ underlying: 'SPY', expiry: FAR, right: 'call', strike: '560', price: '52.60', volatility: 0.18 }),
  option({ underlying: 'SPY', expiry: FAR, right: 'put', strike: '560', price: '41.15', volatility: 0.18 }),
  option({
    underlying: 'TSLA',
    expiry: NEAR,
    right: 'call',
    strike: '220',
    price: '52.80',
    volatility: 0.62,
  }),
  option({ underlying: 'TSLA', expiry: NEAR, right: 'put', strike: '220', price: '30.45', volatility: 0.62 }),
  option({ underlying: 'TSLA', expiry: FAR, right: 'call', strike: '260', price: '61.00', volatility: 0.62 }),
  option({ underlying: 'TSLA', expiry: FAR, right: 'put', strike: '260', price: '72.35', volatility: 0.62 }),
];

const CME = 'CME';
const FUTURES: Instrument[] = [
  future({
    symbol: 'ES',
    name: 'E-mini S&P 500',
    exchange: CME,
    multiplier: '50',
    tick: '0.25',
    price: '5500.00',
    volatility: 0.16,
    initialMargin: '13200',
    maintenanceMargin: '12000',
  }),
  future({
    symbol: 'NQ',
    name: 'E-mini Nasdaq-100',
    exchange: CME,
    multiplier: '20',
    tick: '0.25',
    price: '19500.00',
    volatility: 0.21,
    initialMargin: '19000',
    maintenanceMargin: '17300',
  }),
  future({
    symbol: 'YM',
    name: 'E-mini Dow ($5)',
    exchange: 'CBOT',
    multiplier: '5',
    tick: '1',
    price: '40000',
    volatility: 0.15,
    initialMargin: '10500',
    maintenanceMargin: '9500',
  }),
  future({
    symbol: 'RTY',
    name: 'E-mini Russell 2000',
    exchange: CME,
    multiplier: '50',
    tick: '0.1',
    price: '2100.0',
    volatility: 0.24,
    initialMargin: '7000',
    maintenanceMargin: '6400',
  }),
  future({
    symbol: 'CL',
    name: 'WTI Crude Oil',
    exchange: 'NYMEX',
    multiplier: '1000',
    tick: '0.01',
    price: '75.00',
    volatility: 0.35,
    initialMargin: '6500',
    maintenanceMargin: '5900',
  }),
  future({
    symbol: 'NG',
    name: 'Henry Hub Natural Gas',
    exchange: 'NYMEX',
    multiplier: '10000',
    tick: '0.001',
    price: '2.500',
    volatility: 0.55,
    initialMargin: '3500',
    maintenanceMargin: '3200',
  }),
  future({
    symbol: 'GC',
    name: 'Gold',
    exchange: 'COMEX',
    multiplier: '100',
    tick: '0.1',
    price: '2400.0',
    volatility: 0.15,
    initialMargin: '10000',
    maintenanceMargin: '9100',
  }),
  future({
    symbol: 'SI',
    name: 'Silver',
    exchange: 'COMEX',
    multiplier: '5000',
    tick: '0.005',
    price: '30.000',
    volatility: 0.28,
    initialMargin: '16000',
    maintenanceMargin: '14500',
  }),
];

const FOREX: Instrument[] = [
  forex({
    base: 'EUR',
    quote: 'USD',
    price: '1.08500',
    tick: '0.00001',
    volatility: 0.07,
    marginRate: '0.03',
  }),
  forex({
    base: 'GBP',
    quote: 'USD',
    price: '1.27000',
    tick: '0.00001',
    volatility: 0.08,
    marginRate: '0.03',
  }),
  forex({ base: 'USD', quote: 'JPY', price: '155.000', tick: '0.001', volatility: 0.1, marginRate: '0.03' }),
  forex({
    base: 'USD',
    quote: 'CHF',
    price: '0.90000',
    tick: '0.00001',
    volatility: 0.08,
    marginRate: '0.03',
  }),
  forex({
    base: 'AUD',
    quote: 'USD',
    price: '0.66000',
    tick: '0.00001',
    volatility: 0.1,
    marginRate: '0.05',
  }),
  forex({
    base: 'USD',
    quote: 'CAD',
    price: '1.36000',
    tick: '0.00001',
    volatility: 0.06,
    marginRate: '0.03',
  }),
  forex({
    base: 'NZD',
    quote: 'USD',
    price: '0.60000',
    tick: '0.00001',
    volatility: 0.11,
    marginRate: '0.05',
  }),
];

const FORECASTS: Instrument[] = [
  forecast({
    symbol: 'FEDCUT-27MAR',
    name: 'Fed cuts at the March 2027 meeting',
    question: 'Will the FOMC lower the federal funds target range at its March 2027 meeting?',
    price: '0.42',
    volatility: 0.9,
    closes: '2027-03-17',
  }),
  forecast({
    symbol: 'CPI-ABOVE3-27',
    name: 'US CPI above 3% in 2027',
    question: 'Will year-over-year US CPI for December 2027 exceed 3.0%?',
    price: '0.31',
    volatility: 0.7,
    closes: '2028-01-12',
  }),
  forecast({
    symbol: 'RECESSION-27',
    name: 'US recession declared for 2027',
    question: 'Will the NBER date a US recession beginning in 2027?',
    price: '0.18',
    volatility: 0.6,
    closes: '2027-12-31',
  }),
  forecast({
    symbol: 'SPX-7000-27DEC',
    name: 'S&P 500 above 7000 at end of 2027',
    question: 'Will the S&P 500 close above 7000 on the last trading day of 2027?',
    price: '0.55',
    volatility: 0.8,
    closes: '2027-12-31',
  }),
  forecast({
    symbol: 'HURRICANE-CAT5-27',
    name: 'Category 5 Atlantic hurricane landfall in 2027',
    question: 'Will a Category 5 hurricane make US landfall during the 2027 season?',
    price: '0.12',
    volatility: 0.5,
    closes: '2027-11-30',
  }),
];

export const SEED_INSTRUMENTS: readonly Instrument[] = Object.freeze([
  ...STOCKS,
  ...ETFS,
  ...OPTIONS,
  ...FUTURES,
  ...FOREX,
  ...FORECASTS,
]);
