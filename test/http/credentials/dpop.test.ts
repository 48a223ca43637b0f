import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { ALL_DBS } from '../../support/databases.ts';
import { type Harness, loginPortal, type PortalSession, startHarness } from '../../support/harness.ts';
import { freePort } from '../../support/net.ts';
import { customer } from '../trading/support.ts';
import { connectApp } from './oauth-support.ts';
import { deniedEvents } from './support.ts';

type Keys = { privateKey: CryptoKey; publicKey: CryptoKey };

/** A DPoP proof made by hand, so each claim can be got wrong on purpose. */
async function proof(
  keys: Keys,
  claims: { htm: string; htu: string; token: string; iat?: number; jti?: string },
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({
    htm: claims.htm,
    htu: claims.htu,
    jti: claims.jti ?? randomUUID(),
    ath: createHash('sha256').update(claims.token).digest('base64url'),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keys.publicKey), ...header })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(keys.privateKey);
}

for (const db of ALL_DBS) {
  describe(`DPoP-bound OAuth access tokens on the API (${db.kind})`, () => {
    let h: Harness;
    let base: string;
    let portal: PortalSession;
    let accountId: string;
    let path: string;
    const redirectUri = 'http://127.0.0.1:9/callback';
    before(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      h = await startHarness({
        db,
        env: { PORTCULLIS_PUBLIC_ORIGIN: base, PORTCULLIS_QUOTE_INTERVAL_MS: '0' },
      });
      await h.app.listen({ host: '127.0.0.1', port });
      syncClock();
      accountId = (await customer(h, 'alice')).account.id;
      path = `/api/v1/accounts/${accountId}/positions`;
      portal = await loginPortal(h);
      await h.services.credentials.oauth.registerClient({
        client_id: 'chart-app',
        client_secret: 'chart-app-secret-0123456789abcdef',
        client_name: 'Chart App',
        redirect_uris: [redirectUri],
      });
    });
    after(() => h.close());

    /** Proofs carry the wall clock's iat; the harness clock follows it for these requests. */
    function syncClock() {
      h.clock.now = Date.now();
    }

    async function connectBound() {
      const keys = (await oidc.randomDPoPKeyPair('ES256')) as Keys;
      syncClock();
      const app = await connectApp({
        base,
        portalCookie: portal.cookie,
        accountId,
        redirectUri,
        scope: 'openid offline_access account:read',
        dpop: (config) => oidc.getDPoPHandle(config, keys),
      });
      return { ...app, keys, token: app.tokens.access_token };
    }

    async function call(token: string, headers: Record<string, string>, method = 'GET', url = path) {
      syncClock();
      return h.app.inject({ method, url, headers: { authorization: `DPoP ${token}`, ...headers } });
    }

    function refusedWith(
      res: { statusCode: number; json(): unknown; headers: Record<string, unknown> },
      code: string,
      error: string,
    ) {
      assert.equal(res.statusCode, 401);
      assert.equal((res.json() as { error: { code: string } }).error.code, code);
      assert.match(String(res.headers['www-authenticate']), new RegExp(`^DPoP error="${error}"`));
    }

    test('a DPoP-bound token reads an account through openid-client, also after a DPoP-bound refresh', async () => {
      const { config, tokens, DPoP } = await connectBound();
      assert.equal(tokens.token_type, 'dpop');
      const at = await h.services.credentials.oauth.provider.AccessToken.find(tokens.access_token);
      assert.ok(at?.jkt, 'the access token is bound to the key');
      syncClock();
      const read = await oidc.fetchProtectedResource(
        config,
        tokens.access_token,
        new URL(`${base}${path}`),
        'GET',
        undefined,
        undefined,
        { DPoP },
      );
      assert.equal(read.status, 200, await read.clone().text());
      assert.ok(Array.isArray(((await read.json()) as { positions: unknown[] }).positions));

      syncClock();
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
      assert.equal(refreshed.token_type, 'dpop');
      syncClock();
      const again = await oidc.fetchProtectedResource(
        config,
        refreshed.access_token,
        new URL(`${base}${path}`),
        'GET',
        undefined,
        undefined,
        { DPoP },
      );
      assert.equal(again.status, 200);
    });

    test('a DPoP-bound token sent as a Bearer token is refused with invalid_token', async () => {
      const { token, keys } = await connectBound();
      syncClock();
      const res = await h.app.inject({
        method: 'GET',
        url: path,
        headers: {
          authorization: `Bearer ${token}`,
          dpop: await proof(keys, { htm: 'GET', htu: `${base}${path}`, token }),
        },
      });
      refusedWith(res, 'DPOP_REQUIRED', 'invalid_token');
      assert.equal((await deniedEvents(h, 'oauth_token.denied')).at(-1)?.reason, 'DPOP_REQUIRED');
    });

    test('a DPoP-bound token without a proof, or with a malformed one, is refused with invalid_dpop_proof', async () => {
      const { token, keys } = await connectBound();
      refusedWith(await call(token, {}), 'DPOP_PROOF_INVALID', 'invalid_dpop_proof');
      refusedWith(await call(token, { dpop: 'not.a.jwt' }), 'DPOP_PROOF_INVALID', 'invalid_dpop_proof');
      const jwt = await proof(keys, { htm: 'GET', htu: `${base}${path}`, token }, { typ: 'JWT' });
      refusedWith(await call(token, { dpop: jwt }), 'DPOP_PROOF_INVALID', 'invalid_dpop_proof');
      const otherToken = await proof(keys, { htm: 'GET', htu: `${base}${path}`, token: `${token}x` });
      refusedWith(await call(token, { dpop: otherToken }), 'DPOP_PROOF_INVALID', 'invalid_dpop_proof');
      const exportable = (await generateKeyPair('ES256', { extractable: true })) as Keys;
      const privateJwk = await exportJWK(exportable.privateKey);
      const leaky = await proof(
        exportable,
        { htm: 'GET', htu: `${base}${path}`, token },
        { jwk: privateJwk },
      );
      refusedWith(await call(token, { dpop: leaky }), 'DPOP_PROOF_INVALID', 'invalid_dpop_proof');
      const hmac = await new SignJWT({ htm: 'GET', htu: `${base}${path}`, jti: randomUUID() })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt' })
        .setIssuedAt()
        .sign(new Uint8Array(32));
      refusedWith(await call(token, { dpop: hmac }), 'DPOP_PROOF_INVALID', 'invalid_dpop_proof');
      assert.equal((await deniedEvents(h, 'oauth_token.denied')).at(-1)?.reason, 'DPOP_PROOF_INVALID');
    });

    test('a proof signed by another key than the token is bound to is refused', async () => {
      const { token } = await connectBound();
      const other = (await generateKeyPair('ES256')) as Keys;
      const res = await call(token, {
        dpop: await proof(other, { htm: 'GET', htu: `${base}${path}`, token }),
      });
      refusedWith(res, 'DPOP_KEY_MISMATCH', 'invalid_token');
    });

    test('a replayed proof is refused the second time', async () => {
      const { token, keys } = await connectBound();
      const once = await proof(keys, { htm: 'GET', htu: `${base}${path}`, token });
      assert.equal((await call(token, { dpop: once })).statusCode, 200);
      refusedWith(await call(token, { dpop: once }), 'DPOP_PROOF_REPLAYED', 'invalid_dpop_proof');
      assert.equal((await deniedEvents(h, 'oauth_token.denied')).at(-1)?.reason, 'DPOP_PROOF_REPLAYED');
    });

    test('a proof for another URL or another method is refused', async () => {
      const { token, keys } = await connectBound();
      const otherUrl = await proof(keys, {
        htm: 'GET',
        htu: `${base}/api/v1/accounts/${accountId}/orders`,
        token,
      });
      refusedWith(await call(token, { dpop: otherUrl }), 'DPOP_PROOF_MISMATCH', 'invalid_dpop_proof');
      const otherOrigin = await proof(keys, { htm: 'GET', htu: `https://evil.example${path}`, token });
      refusedWith(await call(token, { dpop: otherOrigin }), 'DPOP_PROOF_MISMATCH', 'invalid_dpop_proof');
      const otherMethod = await proof(keys, { htm: 'POST', htu: `${base}${path}`, token });
      refusedWith(await call(token, { dpop: otherMethod }), 'DPOP_PROOF_MISMATCH', 'invalid_dpop_proof');
      const withQuery = await proof(keys, { htm: 'GET', htu: `${base}${path}?page=2#top`, token });
      assert.equal(
        (await call(token, { dpop: withQuery }, 'GET', `${path}?x=1`)).statusCode,
        200,
        'query and fragment are ignored',
      );
    });

    test('a proof whose iat is outside the receive window is refused as stale', async () => {
      const { token, keys } = await connectBound();
      const window = h.services.config.signatureWindowMs;
      for (const offset of [-2 * window, 2 * window]) {
        const iat = Math.floor((Date.now() + offset) / 1000);
        const stale = await proof(keys, { htm: 'GET', htu: `${base}${path}`, token, iat });
        refusedWith(await call(token, { dpop: stale }), 'DPOP_PROOF_STALE', 'invalid_dpop_proof');
      }
    });

    test('a refused proof spends nothing: the same jti is accepted once the proof is right', async () => {
      const { token, keys } = await connectBound();
      const jti = randomUUID();
      const wrong = await proof(keys, { htm: 'POST', htu: `${base}${path}`, token, jti });
      refusedWith(await call(token, { dpop: wrong }), 'DPOP_PROOF_MISMATCH', 'invalid_dpop_proof');
      const right = await proof(keys, { htm: 'GET', htu: `${base}${path}`, token, jti });
      assert.equal((await call(token, { dpop: right })).statusCode, 200);
    });

    test('a token that is not DPoP-bound is still accepted as Bearer and refused under the DPoP scheme', async () => {
      syncClock();
      const { tokens } = await connectApp({
        base,
        portalCookie: portal.cookie,
        accountId,
        redirectUri,
        scope: 'openid account:read',
      });
      const bearer = await h.app.inject({
        method: 'GET',
        url: path,
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(bearer.statusCode, 200, bearer.body);
      const keys = (await generateKeyPair('ES256')) as Keys;
      const dpop = await proof(keys, { htm: 'GET', htu: `${base}${path}`, token: tokens.access_token });
      refusedWith(await call(tokens.access_token, { dpop }), 'DPOP_KEY_MISMATCH', 'invalid_token');
    });
  });
}
