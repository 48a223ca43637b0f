/** The trading domain's public surface (pure core: decimals, instruments, quotes, orders). */

export * from './calendar.ts';
export * from './catalogue.ts';
export * from './decimal.ts';
export * from './instruments.ts';
export * from './orders.ts';
export * from './quotes.ts';
export { SEED_INSTRUMENTS } from './seed-instruments.ts';
