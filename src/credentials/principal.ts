import type { CompiledConstraints, Environment } from './constraints.ts';

/** A program acting for a user: an API key's signed request, a delegated token or an OAuth access token. */
export interface CredentialPrincipal {
  kind: 'api_key' | 'delegated' | 'oauth';
  userId: string;
  /** The key id, the delegated token's id or the OAuth grant id: what limits and circuit breakers count by. */
  credentialId: string;
  scopes: readonly string[];
  environment: Environment;
  constraints: CompiledConstraints;
  isAdmin: false;
  /** The API key that signed the request (also for a delegated token presented with its key), else null. */
  apiKeyId: string | null;
}
