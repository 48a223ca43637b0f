export * from './amount.ts';
export * from './cidr.ts';
export * from './codes.ts';
export * from './constraints.ts';
export * from './delegated-token.ts';
export * from './scopes.ts';
export * from './signing.ts';
