/**
 * Turns a program's request into a `CredentialPrincipal`, then checks it
 * against the route. Two ways in, tried in this order:
 *
 *   signed request   PC-KEY/PC-TIMESTAMP/PC-NONCE/PC-SIGNATURE (plus, optionally,
 *                    `Authorization: Bearer <delegated token>` bound to that key)
 *   delegated token  `Authorization: Bearer <token>` alone
 *
 * OAuth access tokens (`Bearer`, or `DPoP` with a proof) come in through `admitOauth`.
 *
 * Authentication steps: verify → key state → token → rate limit.
 * Authorisation steps:  scope → environment → account → IP allowlist.
 * Every refusal answers its stable code, is audited and counted, and changes nothing else.
 */
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { RateLimiter } from '../limits/index.ts';
import type { NonceCache } from '../limits/nonce-cache.ts';
import { type Refusal, refuse } from './codes.ts';
import { type Environment, REQUEST_CHECKS, type RequestContext } from './constraints.ts';
import { type DelegatedTokenKeys, verifyDelegatedToken } from './delegated-token.ts';
import type { KeyCache, LoadedKey } from './key-cache.ts';
import { checkSecret } from './lifetime.ts';
import type { OauthAccess } from './oauth/access.ts';
import { dpopRefusal, verifyDpopProof } from './oauth/dpop.ts';
import type { CredentialPrincipal } from './principal.ts';
import type { RevocationState } from './revocation-state.ts';
import { type CredentialAction, checkScope } from './scopes.ts';
import { readSignatureHeaders, type SignatureHeaders, verifySignedRequest } from './signing.ts';

export interface ProgramRequest {
  method: string;
  /** Path with query exactly as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | undefined;
  ip: string;
  audit: AuditContext;
}

export interface RouteNeeds {
  action: CredentialAction | undefined;
  accountId: string | undefined;
  route: string;
}

const JWT = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** True when the request carries a program's credential rather than a session. */
export function carriesCredential(headers: ProgramRequest['headers']): boolean {
  const auth = headers['authorization'];
  return (
    headers['pc-key'] !== undefined ||
    headers['pc-signature'] !== undefined ||
    (typeof auth === 'string' && JWT.test(auth))
  );
}

export class CredentialAuthenticator {
  readonly #keys: KeyCache;
  readonly #tokenKeys: DelegatedTokenKeys;
  readonly #state: RevocationState;
  readonly #nonces: NonceCache;
  readonly #limiter: RateLimiter;
  readonly #audit: AuditTrail;
  readonly #environment: Environment;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(deps: {
    keys: KeyCache;
    tokenKeys: DelegatedTokenKeys;
    state: RevocationState;
    nonces: NonceCache;
    limiter: RateLimiter;
    audit: AuditTrail;
    environment: Environment;
    windowMs: number;
    now: () => number;
  }) {
    this.#keys = deps.keys;
    this.#tokenKeys = deps.tokenKeys;
    this.#state = deps.state;
    this.#nonces = deps.nonces;
    this.#limiter = deps.limiter;
    this.#audit = deps.audit;
    this.#environment = deps.environment;
    this.#windowMs = deps.windowMs;
    this.#now = deps.now;
  }

  /** Authenticates and authorises one request for one route; throws the refusal's AppError. */
  async admit(req: ProgramRequest, needs: RouteNeeds): Promise<CredentialPrincipal> {
    const principal = await this.authenticate(req, needs.route);
    const refusal = this.authorize(principal, needs, req.ip);
    if (refusal) await this.#deny(req, refusal, needs.route, principal);
    if (principal.apiKeyId) this.#keys.count(principal.apiKeyId, 'used', req.ip);
    return principal;
  }

  async authenticate(req: ProgramRequest, route: string): Promise<CredentialPrincipal> {
    const headers = readSignatureHeaders(req.headers);
    const auth = req.headers['authorization'];
    const token = typeof auth === 'string' ? JWT.exec(auth)?.[1] : undefined;
    let principal: CredentialPrincipal;
    if (headers.key !== undefined || headers.signature !== undefined) {
      const key = await this.#signed(req, headers, route);
      principal = token === undefined ? keyPrincipal(key) : await this.#token(req, token, route, key);
    } else if (token !== undefined) {
      principal = await this.#token(req, token, route, undefined);
    } else {
      throw new AppError('UNAUTHENTICATED');
    }
    const limit = await this.#limiter.take(principal.credentialId);
    if (!limit.allowed) {
      const seconds = String(Math.ceil(limit.retryAfterMs / 1000));
      await this.#record(
        req,
        'RATE_LIMITED',
        route,
        principal.kind,
        principal.credentialId,
        principal.userId,
      );
      throw new AppError('RATE_LIMITED', {
        headers: { 'retry-after': seconds },
        details: { retryAfterMs: limit.retryAfterMs },
      });
    }
    return principal;
  }

  async #signed(req: ProgramRequest, headers: SignatureHeaders, route: string): Promise<LoadedKey> {
    let loaded: LoadedKey | null = null;
    const result = await verifySignedRequest(
      { headers, method: req.method, pathWithQuery: req.url, body: req.rawBody },
      {
        now: this.#now(),
        windowMs: this.#windowMs,
        nonces: this.#nonces,
        // Every stored secret is tried, so a key's state is told only to whoever proves possession of it.
        resolveKey: async (id) => {
          loaded = await this.#keys.get(id);
          return loaded?.secrets.map((s) => s.verification);
        },
      },
    );
    const key = loaded as LoadedKey | null;
    if (!result.ok) {
      const id = headers.key ?? null;
      return this.#deny(req, result, route, {
        kind: 'api_key',
        credentialId: id,
        userId: key?.row.user_id ?? null,
        apiKeyId: key ? id : null,
      });
    }
    const secret = key!.secrets.find((s) => s.verification === result.matched)!;
    const state = keyState(key!, secret.lifetime, this.#now());
    if (state)
      return this.#deny(req, state, route, {
        kind: 'api_key',
        credentialId: key!.row.id,
        userId: key!.row.user_id,
        apiKeyId: key!.row.id,
      });
    return key!;
  }

  async #token(
    req: ProgramRequest,
    token: string,
    route: string,
    key: LoadedKey | undefined,
  ): Promise<CredentialPrincipal> {
    await this.#state.fresh();
    const t = verifyDelegatedToken(this.#tokenKeys, token, {
      now: this.#now(),
      currentEpoch: this.#state.currentEpoch,
      isRevoked: this.#state.isRevoked,
      presentedKeyId: key?.row.id,
    });
    if (!t.ok)
      return this.#deny(req, t, route, {
        kind: 'delegated',
        credentialId: null,
        userId: null,
        apiKeyId: key?.row.id ?? null,
      });
    if (key !== undefined && key.row.user_id !== t.userId) {
      return this.#deny(req, refuse('TOKEN_KEY_MISMATCH'), route, {
        kind: 'delegated',
        credentialId: t.tokenId,
        userId: t.userId,
        apiKeyId: null,
      });
    }
    return {
      kind: 'delegated',
      userId: t.userId,
      credentialId: t.tokenId,
      scopes: t.scopes,
      environment: t.constraints.environment,
      constraints: t.constraints,
      isAdmin: false,
      apiKeyId: key?.row.id ?? null,
    };
  }

  /**
   * An OAuth access token, resolved by `resolve` (null when unknown); a
   * DPoP-bound one needs the `DPoP` scheme and a valid proof (RFC 9449), a
   * plain one the `Bearer` scheme. Then the same checks as a key.
   */
  async admitOauth(
    req: ProgramRequest,
    needs: RouteNeeds,
    presented: { scheme: 'Bearer' | 'DPoP'; token: string; htu: string },
    resolve: () => Promise<OauthAccess | null>,
  ): Promise<CredentialPrincipal> {
    const access = await resolve();
    if (!access) throw new AppError('UNAUTHENTICATED');
    const { principal, jkt } = access;
    if (jkt === undefined && presented.scheme === 'DPoP')
      await this.#deny(req, dpopRefusal('DPOP_KEY_MISMATCH', 'token not bound'), needs.route, principal);
    if (jkt !== undefined) {
      if (presented.scheme !== 'DPoP')
        await this.#deny(req, dpopRefusal('DPOP_REQUIRED', 'bearer scheme'), needs.route, principal);
      const proof = await verifyDpopProof(
        {
          proof: req.headers['dpop'],
          method: req.method,
          htu: presented.htu,
          accessToken: presented.token,
          jkt,
        },
        { now: this.#now(), windowMs: this.#windowMs, nonces: this.#nonces },
      );
      if (!proof.ok) await this.#deny(req, proof, needs.route, principal);
    }
    const limit = await this.#limiter.take(principal.credentialId);
    if (!limit.allowed) {
      await this.#record(req, 'RATE_LIMITED', needs.route, 'oauth', principal.credentialId, principal.userId);
      throw new AppError('RATE_LIMITED', {
        headers: { 'retry-after': String(Math.ceil(limit.retryAfterMs / 1000)) },
        details: { retryAfterMs: limit.retryAfterMs },
      });
    }
    const refusal = this.authorize(principal, needs, req.ip);
    if (refusal) await this.#deny(req, refusal, needs.route, principal);
    return principal;
  }

  /** Scope, then environment, account and IP allowlist; undefined when allowed. */
  authorize(
    p: CredentialPrincipal,
    needs: Pick<RouteNeeds, 'action' | 'accountId'>,
    ip: string,
  ): Refusal | undefined {
    if (needs.action === undefined) return refuse('ACTION_NOT_DELEGABLE', {});
    const scope = checkScope(p.scopes, needs.action);
    if (!scope.ok) return scope;
    const ctx: RequestContext = { accountId: needs.accountId ?? '', environment: this.#environment, ip };
    for (const [name, check] of REQUEST_CHECKS) {
      if (name === 'account' && needs.accountId === undefined) continue;
      const result = check(p.constraints, ctx);
      if (!result.ok) return result;
    }
    return undefined;
  }

  /** Audits and counts a refusal, then throws it. */
  async refuse(req: ProgramRequest, refusal: Refusal, route: string, p: CredentialPrincipal): Promise<never> {
    return this.#deny(req, refusal, route, p);
  }

  async #deny(req: ProgramRequest, refusal: Refusal, route: string, who: Who): Promise<never> {
    if (who.apiKeyId && who.userId) this.#keys.count(who.apiKeyId, 'denied', req.ip);
    await this.#record(req, refusal.code, route, who.kind, who.credentialId, who.userId, refusal.internal);
    throw new AppError(refusal.code, {
      details: refusal.details,
      ...(refusal.headers ? { headers: refusal.headers } : {}),
    });
  }

  async #record(
    req: ProgramRequest,
    code: string,
    route: string,
    kind: CredentialPrincipal['kind'],
    credentialId: string | null,
    userId: string | null,
    internal?: Record<string, unknown>,
  ): Promise<void> {
    const reason = typeof internal?.['reason'] === 'string' ? (internal['reason'] as string) : null;
    await this.#audit.record({
      ...req.audit,
      actorUserId: userId,
      interface: 'api',
      name:
        kind === 'api_key'
          ? 'api_key.denied'
          : kind === 'oauth'
            ? 'oauth_token.denied'
            : 'delegated_token.denied',
      outcome: 'deny',
      reason: code,
      subjectUserId: userId,
      data: {
        route,
        credentialId: credentialId === null ? null : credentialId.slice(0, 128),
        detail: reason,
      },
    });
  }
}

interface Who {
  kind: CredentialPrincipal['kind'];
  credentialId: string | null;
  userId: string | null;
  apiKeyId: string | null;
}

function keyState(
  key: LoadedKey,
  lifetime: LoadedKey['secrets'][number]['lifetime'],
  now: number,
): Refusal | undefined {
  if (key.row.status === 'revoked') return refuse('CREDENTIAL_REVOKED');
  const secret = checkSecret(lifetime, now);
  if (!secret.ok) return secret;
  if (now >= Number(key.row.expires_at))
    return refuse('CREDENTIAL_EXPIRED', { expiredAt: new Date(Number(key.row.expires_at)).toISOString() });
  if (key.row.status === 'suspended')
    return refuse('CREDENTIAL_SUSPENDED', { reason: key.row.status_reason });
  return undefined;
}

function keyPrincipal(key: LoadedKey): CredentialPrincipal {
  return {
    kind: 'api_key',
    userId: key.row.user_id,
    credentialId: key.row.id,
    scopes: key.scopes,
    environment: key.constraints.environment,
    constraints: key.constraints,
    isAdmin: false,
    apiKeyId: key.row.id,
  };
}
