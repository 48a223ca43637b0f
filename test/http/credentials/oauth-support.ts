/** A real browser's part of the OAuth flow, shared by the OAuth and DPoP tests. */
import * as oidc from 'openid-client';

/** A browser enough for the redirects: follows Location headers and keeps every cookie. */
export async function browse(
  start: string,
  jar: Map<string, string>,
  stopAt: string,
): Promise<{ url: string; body: string }> {
  let url = start;
  for (let i = 0; i < 10; i++) {
    if (url.startsWith(stopAt)) return { url, body: '' };
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const location = res.headers.get('location');
    if (!location) return { url, body: await res.text() };
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

export async function submit(url: string, form: URLSearchParams, jar: Map<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    body: form,
    headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
  return res;
}

/**
 * An app's whole way in: discovery, code + PKCE through the person's consent
 * for one account, then the token request (DPoP-bound when `dpop` is given).
 */
export async function connectApp(o: {
  base: string;
  portalCookie: string;
  accountId: string;
  redirectUri: string;
  scope: string;
  dpop?: (config: oidc.Configuration) => oidc.DPoPHandle;
}) {
  const config = await oidc.discovery(
    new URL(`${o.base}/oauth`),
    'chart-app',
    'chart-app-secret-0123456789abcdef',
    undefined,
    { execute: [oidc.allowInsecureRequests] },
  );
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: o.redirectUri,
    scope: o.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    prompt: 'consent',
    state,
  });
  const jar = new Map([['__Host-pc_session', o.portalCookie]]);
  const consent = await browse(authUrl.href, jar, o.redirectUri);
  const action = /action="([^"]+)"/.exec(consent.body)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(consent.body)![1]!;
  const confirmed = await submit(
    new URL(action, o.base).href,
    new URLSearchParams({ csrf, decision: 'allow', account: o.accountId }),
    jar,
  );
  const callback = await browse(new URL(confirmed.headers.get('location')!, o.base).href, jar, o.redirectUri);
  const DPoP = o.dpop?.(config);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    new URL(callback.url),
    { pkceCodeVerifier: verifier, expectedState: state },
    undefined,
    DPoP ? { DPoP } : undefined,
  );
  return { config, tokens, DPoP };
}
