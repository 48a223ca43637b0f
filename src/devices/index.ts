export * from './device-keys.ts';
export * from './device-proof.ts';
