/**
 * OAuth 2.0 / OpenID Connect for third-party apps, on oidc-provider (a
 * certified implementation), mounted under `/oauth`.
 *
 * - Authorization code with PKCE S256 only (no implicit, no password grant);
 *   redirect URIs match exactly (the library's rule).
 * - Scopes are the API-key scopes plus `openid` and `offline_access`.
 * - Refresh tokens rotate on every use; presenting a used one revokes the grant.
 * - DPoP is supported; the people sign in through Portcullis's own login flow
 *   (the interaction routes in src/http/routes/credentials/oauth.ts).
 * - Signing keys and cookie keys are generated once per deployment and kept
 *   sealed under the key ring in `credential_server_keys`.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import Provider, { type ClientMetadata, type JWK } from 'oidc-provider';
import type { KeyRing } from '../../store/envelope.ts';
import type { Database } from '../../store/schema.ts';
import type { CredentialRepository } from '../repository.ts';
import { SCOPES } from '../scopes.ts';
import { kyselyAdapter } from './adapter.ts';

export const OAUTH_PREFIX = '/oauth';

async function serverSecret(
  repo: CredentialRepository,
  keyRing: KeyRing,
  name: string,
  make: () => Buffer,
  now: number,
) {
  const aad = `credential_server_key:${name}`;
  const sealed = await repo.serverKey(name, () => keyRing.seal(make(), aad), now);
  return keyRing.open(sealed, aad);
}

export async function createOauthProvider(deps: {
  db: Kysely<Database>;
  repo: CredentialRepository;
  keyRing: KeyRing;
  publicOrigin: string;
  now: () => number;
}): Promise<OauthProvider> {
  const { repo, keyRing, now } = deps;
  const Adapter = kyselyAdapter(deps.db, now, keyRing);
  const jwk = JSON.parse(
    (
      await serverSecret(
        repo,
        keyRing,
        'oidc_signing_jwk',
        () =>
          Buffer.from(
            JSON.stringify({
              ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
              kid: `k${randomBytes(6).toString('hex')}`,
              alg: 'ES256',
              use: 'sig',
            }),
          ),
        now(),
      )
    ).toString('utf8'),
  ) as JWK;
  const cookieKey = (
    await serverSecret(repo, keyRing, 'oidc_cookie_key', () => randomBytes(32), now())
  ).toString('base64url');
  const provider = new Provider(`${deps.publicOrigin}${OAUTH_PREFIX}`, {
    adapter: Adapter,
    jwks: { keys: [jwk] },
    cookies: { keys: [cookieKey] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', ...SCOPES],
    claims: { openid: ['sub'] },
    acrValues: ['aal1', 'aal2', 'aal3'],
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      dPoP: { enabled: true },
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 14 * 86400,
      RefreshToken: 14 * 86400,
    },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    interactions: { url: (_ctx, interaction) => `${OAUTH_PREFIX}/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`;
    },
  });
  provider.proxy = false;
  const clients = new Adapter('Client');
  return {
    provider,
    registerClient: (metadata) =>
      clients.upsert(
        metadata.client_id,
        {
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          id_token_signed_response_alg: 'ES256',
          ...metadata,
        },
        0,
      ),
    consents: new Adapter('PcConsent') as unknown as OauthProvider['consents'],
  };
}

export interface OauthProvider {
  provider: Provider;
  /** Registers (or replaces) a third-party app; exact redirect URIs, code flow only. */
  registerClient(metadata: ClientMetadata): Promise<void>;
  /** Which accounts each grant covers (keyed by grant id), as consented. */
  consents: {
    find(id: string): Promise<OauthConsent | undefined>;
    upsert(id: string, p: OauthConsent, expiresIn: number): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(id: string): Promise<void>;
  };
}

/** What a person consented to for one grant; `uid` holds the user id (indexed). */
export interface OauthConsent {
  accounts: string[];
  uid: string;
  clientId: string;
  scopes: string[];
  createdAt: number;
}
