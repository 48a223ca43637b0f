export { type DbKind, openStore, type Store } from './db.ts';
export { KeyRing } from './envelope.ts';
export { migrateToLatest } from './migrations/index.ts';
export type { Database } from './schema.ts';
