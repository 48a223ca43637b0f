import type Provider from 'oidc-provider';
import { compileConstraints, type Environment } from '../constraints.ts';
import type { CredentialPrincipal } from '../principal.ts';
import { isScope } from '../scopes.ts';
import type { OauthProvider } from './provider.ts';

/** A resolved access token: its principal and, when DPoP-bound, the key thumbprint (`cnf.jkt`). */
export interface OauthAccess {
  principal: CredentialPrincipal;
  jkt: string | undefined;
}

/**
 * Resolves an OAuth access token into the same principal as an API key: the
 * token's scopes, the accounts consented for its grant, the node's
 * environment. Null when the token is unknown, expired or revoked. A
 * DPoP-bound token comes back with its `jkt`; the caller checks the proof
 * (src/credentials/oauth/dpop.ts).
 */
export async function oauthAccess(
  oauth: OauthProvider,
  token: string,
  environment: Environment,
): Promise<OauthAccess | null> {
  const provider: Provider = oauth.provider;
  const at = await provider.AccessToken.find(token);
  if (!at || at.isExpired || !at.accountId || !at.grantId) return null;
  const consent = await oauth.consents.find(at.grantId);
  const accounts = consent?.accounts ?? [];
  if (accounts.length === 0) return null;
  const compiled = compileConstraints({ accounts, environment });
  if (!compiled.ok) return null;
  const principal: CredentialPrincipal = {
    kind: 'oauth',
    userId: at.accountId,
    credentialId: at.grantId,
    scopes: (at.scope ?? '').split(' ').filter(isScope),
    environment,
    constraints: compiled.constraints,
    isAdmin: false,
    apiKeyId: null,
  };
  return { principal, jkt: typeof at.jkt === 'string' && at.jkt !== '' ? at.jkt : undefined };
}
