import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { ALL_DBS } from '../../support/databases.ts';
import { type Harness, loginPortal, type PortalSession, startHarness } from '../../support/harness.ts';
import { freePort } from '../../support/net.ts';
import { customer } from '../trading/support.ts';
import { browse, submit } from './oauth-support.ts';

for (const db of ALL_DBS) {
  describe(`OAuth 2.0 / OIDC with a real client library (${db.kind})`, () => {
    let h: Harness;
    let base: string;
    let portal: PortalSession;
    let accountId: string;
    let clientSecret: string;
    const redirectUri = 'http://127.0.0.1:9/callback';
    before(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      h = await startHarness({
        db,
        env: { PORTCULLIS_PUBLIC_ORIGIN: base, PORTCULLIS_QUOTE_INTERVAL_MS: '0' },
      });
      await h.app.listen({ host: '127.0.0.1', port });
      accountId = (await customer(h, 'alice')).account.id;
      portal = await loginPortal(h);
      const registered = await h.services.credentials.oauthClients.register(
        { clientId: 'chart-app', name: 'Chart App', redirectUris: [redirectUri], public: false },
        {},
      );
      clientSecret = registered.secret!;
    });
    after(() => h.close());

    /** Connects an app as a person would; `secret` null is a public app (PKCE alone). */
    async function connect(clientId = 'chart-app', secret: string | null = clientSecret) {
      const config = await oidc.discovery(
        new URL(`${base}/oauth`),
        clientId,
        secret ?? undefined,
        secret === null ? oidc.None() : undefined,
        {
          execute: [oidc.allowInsecureRequests],
        },
      );
      assert.deepEqual(config.serverMetadata().code_challenge_methods_supported, ['S256']);
      assert.deepEqual(config.serverMetadata().response_types_supported, ['code']);
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const authUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid offline_access account:read',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        prompt: 'consent',
        state,
      });
      const jar = new Map([['__Host-pc_session', portal.cookie]]);
      const consent = await browse(authUrl.href, jar, redirectUri);
      assert.match(consent.body, /See your accounts/);
      assert.match(consent.body, new RegExp(accountId));
      const action = /action="([^"]+)"/.exec(consent.body)![1]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(consent.body)![1]!;
      const confirmed = await submit(
        new URL(action, base).href,
        new URLSearchParams({ csrf, decision: 'allow', account: accountId }),
        jar,
      );
      const callback = await browse(new URL(confirmed.headers.get('location')!, base).href, jar, redirectUri);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url), {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      return { config, tokens };
    }

    test('discovery, code + PKCE with consent, token, userinfo, API call, refresh with reuse detection, revocation', async () => {
      const { config, tokens } = await connect();
      const sub = tokens.claims()!.sub;
      const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
      assert.equal(info.sub, sub);

      const read = await h.app.inject({
        method: 'GET',
        url: `/api/v1/accounts/${accountId}/positions`,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(read.statusCode, 200, read.body);
      const trade = await h.app.inject({
        method: 'POST',
        url: `/api/v1/accounts/${accountId}/orders`,
        headers: { authorization: `Bearer ${tokens.access_token}` },
        payload: { symbol: 'EURUSD', side: 'buy', quantity: '1000', type: 'market', timeInForce: 'day' },
      });
      assert.equal(trade.json().error.code, 'SCOPE_INSUFFICIENT');

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
      const fresh = { authorization: `Bearer ${refreshed.access_token}` };
      const url = `/api/v1/accounts/${accountId}/positions`;
      assert.equal((await h.app.inject({ method: 'GET', url, headers: fresh })).statusCode, 200);

      await oidc.tokenRevocation(config, refreshed.access_token);
      assert.equal(
        (await h.app.inject({ method: 'GET', url, headers: fresh })).statusCode,
        401,
        'revoked at once',
      );

      const invalidGrant = (e: unknown) => (e as { error?: string }).error === 'invalid_grant';
      await assert.rejects(
        oidc.refreshTokenGrant(config, tokens.refresh_token!),
        invalidGrant,
        'a used refresh token is refused',
      );
      await assert.rejects(
        oidc.refreshTokenGrant(config, refreshed.refresh_token!),
        invalidGrant,
        'reuse revokes the whole grant',
      );
    });

    test('an app registered by the operator keeps its secret sealed; a public app signs in with PKCE alone', async () => {
      const stored = await h.services.store.db
        .selectFrom('oauth_store')
        .select('payload')
        .where('model', '=', 'Client')
        .where('id', '=', 'chart-app')
        .executeTakeFirstOrThrow();
      assert.ok(clientSecret.length >= 43);
      assert.ok(!stored.payload.includes(clientSecret), 'the secret is not stored in the clear');
      assert.ok(!stored.payload.includes('"client_secret"'));

      await h.services.credentials.oauthClients.register(
        { clientId: 'phone-app', name: 'Phone App', redirectUris: [redirectUri], public: true },
        {},
      );
      const { tokens } = await connect('phone-app', null);
      const url = `/api/v1/accounts/${accountId}/positions`;
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 200);

      // Removing the app revokes every grant people gave it: its tokens die at once.
      assert.equal(await h.services.credentials.oauthClients.remove('phone-app', {}), 1);
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 401);
      assert.deepEqual(
        (await h.services.credentials.oauthClients.list()).map((c) => [c.clientId, c.kind]),
        [['chart-app', 'confidential']],
      );
      await assert.rejects(h.services.credentials.oauthClients.remove('phone-app', {}), {
        code: 'OAUTH_CLIENT_NOT_FOUND',
      });
    });

    test('rotating a confidential app’s secret retires the old one at once; its grants live on', async () => {
      const { config, tokens } = await connect();
      const rotated = await h.services.credentials.oauthClients.rotateSecret('chart-app', {});
      assert.notEqual(rotated.secret, clientSecret);
      const invalidClient = (e: unknown) => (e as { error?: string }).error === 'invalid_client';
      await assert.rejects(
        oidc.tokenRevocation(config, tokens.access_token),
        invalidClient,
        'the old secret',
      );
      const url = `/api/v1/accounts/${accountId}/positions`;
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 200);
      clientSecret = rotated.secret;
      const fresh = await oidc.discovery(new URL(`${base}/oauth`), 'chart-app', clientSecret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      await oidc.tokenRevocation(fresh, tokens.access_token);
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 401);
      const stored = await h.services.store.db
        .selectFrom('oauth_store')
        .select('payload')
        .where('model', '=', 'Client')
        .where('id', '=', 'chart-app')
        .executeTakeFirstOrThrow();
      assert.ok(!stored.payload.includes(clientSecret));
    });

    test('the person lists the connected app and disconnecting it kills its tokens at once', async () => {
      const { tokens } = await connect();
      const url = `/api/v1/accounts/${accountId}/positions`;
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 200);
      const list = (
        await h.app.inject({ method: 'GET', url: '/api/v1/oauth-grants', headers: portal.headers })
      ).json();
      const grantId = (await h.services.credentials.oauth.provider.AccessToken.find(tokens.access_token))!
        .grantId;
      const grant = list.grants.find(
        (g: { id: string; clientId: string; accounts: string[] }) => g.id === grantId,
      );
      assert.ok(grant, JSON.stringify(list));
      const del = await h.app.inject({
        method: 'DELETE',
        url: `/api/v1/oauth-grants/${grant.id}`,
        headers: portal.headers,
      });
      assert.equal(del.statusCode, 204, del.body);
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 401);
    });

    test('the account kill switch ends every connected app’s access to the account', async () => {
      const { tokens } = await connect();
      const bearer = { authorization: `Bearer ${tokens.access_token}` };
      const url = `/api/v1/accounts/${accountId}/positions`;
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 200);
      await h.services.credentials.suspendForAccount(accountId, 'kill_switch', {});
      assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer })).statusCode, 401);
    });

    test('an app asking for a stronger sign-in (acr_values=aal2) is stopped at a password-only session', async () => {
      const config = await oidc.discovery(new URL(`${base}/oauth`), 'chart-app', clientSecret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const authUrl = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid account:read',
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        acr_values: 'aal2',
      });
      const page = await browse(authUrl.href, new Map([['__Host-pc_session', portal.cookie]]), redirectUri);
      assert.match(page.body, /Stronger sign-in needed/);
    });

    test('a request without PKCE is refused', async () => {
      const res = await fetch(
        `${base}/oauth/auth?client_id=chart-app&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(redirectUri)}`,
        { redirect: 'manual' },
      );
      const location = res.headers.get('location') ?? '';
      assert.match(location, /error=invalid_request/);
    });
  });
}
