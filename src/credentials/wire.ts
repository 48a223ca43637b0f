import { Redis } from 'ioredis';
import type { AuditContext } from '../audit/index.ts';
import type { AuthnServices } from '../authn/wire.ts';
import type { FoundationServices } from '../container.ts';
import {
  MemoryNonceCache,
  MemoryRateLimiter,
  type NonceCache,
  type RateLimiter,
  RedisNonceCache,
  RedisRateLimiter,
} from '../limits/index.ts';
import type { TradingServices } from '../trading/wire.ts';
import { CredentialAuthenticator } from './authenticator.ts';
import { KeyCache } from './key-cache.ts';
import { ApiKeyService } from './key-service.ts';
import { OauthClients } from './oauth/clients.ts';
import { OauthGrants } from './oauth/grants.ts';
import { createOauthProvider, type OauthProvider } from './oauth/provider.ts';
import { CredentialRepository } from './repository.ts';
import { RevocationState } from './revocation-state.ts';
import { DelegatedTokenService, loadTokenKeys } from './token-service.ts';

/** API keys, signed requests, delegated tokens and OAuth, wired once per node. */
export interface CredentialServices {
  readonly repo: CredentialRepository;
  readonly apiKeys: ApiKeyService;
  readonly tokens: DelegatedTokenService;
  readonly authenticator: CredentialAuthenticator;
  readonly state: RevocationState;
  readonly keyCache: KeyCache;
  /** oidc-provider for third-party apps, mounted under /oauth. */
  readonly oauth: OauthProvider;
  readonly oauthGrants: OauthGrants;
  /** Third-party apps an operator registered (`portcullis app`). */
  readonly oauthClients: OauthClients;
  /**
   * The kill switch and circuit breakers call this: every active key covering
   * the account is suspended and the account's credential epoch is bumped, so
   * every delegated token (and OAuth access) for it dies at once on this node
   * and within the cache bound on the others.
   */
  suspendForAccount(
    accountId: string,
    reason: string,
    ctx: AuditContext,
  ): Promise<{ keys: number; epoch: number }>;
  close(): Promise<void>;
}

export async function createCredentialServices(
  base: FoundationServices,
  _authn: AuthnServices,
  trading: TradingServices,
  options: { now?: () => number } = {},
): Promise<CredentialServices> {
  const { config, store, audit } = base;
  const now = options.now ?? base.now;
  const repo = new CredentialRepository(store.db);
  const keyCache = new KeyCache({ repo, keyRing: config.keyRing, cacheMs: config.credentialCacheMs, now });
  const state = new RevocationState({ repo, cacheMs: config.credentialCacheMs, now });
  const tokenKeys = await loadTokenKeys(repo, config.keyRing, now());
  const redis = config.credentialRedisUrl
    ? new Redis(config.credentialRedisUrl, { maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  const policy = { capacity: config.apiKeyRateBurst, refillPerSecond: config.apiKeyRatePerSecond };
  const nonces: NonceCache = redis ? new RedisNonceCache({ redis }) : new MemoryNonceCache({ now });
  const limiter: RateLimiter = redis
    ? new RedisRateLimiter(policy, { redis, prefix: 'pc:rl:cred:' })
    : new MemoryRateLimiter(policy, { now });
  const apiKeys = new ApiKeyService({ repo, cache: keyCache, keyRing: config.keyRing, audit, now });
  const tokens = new DelegatedTokenService({ repo, keys: tokenKeys, state, cache: keyCache, audit, now });
  const authenticator = new CredentialAuthenticator({
    keys: keyCache,
    tokenKeys,
    state,
    nonces,
    limiter,
    audit,
    environment: config.apiEnvironment,
    windowMs: config.signatureWindowMs,
    now,
  });
  const oauth = await createOauthProvider({
    db: store.db,
    repo,
    keyRing: config.keyRing,
    publicOrigin: config.publicOrigin,
    now,
  });
  const oauthGrants = new OauthGrants({ db: store.db, oauth, audit });
  const oauthClients = new OauthClients({ db: store.db, oauth, grants: oauthGrants, audit });
  const suspendForAccount = async (accountId: string, reason: string, ctx: AuditContext) => {
    const epoch = await state.bump(accountId);
    await audit.record({
      ...ctx,
      name: 'credential_epoch.bumped',
      outcome: 'success',
      reason,
      data: { accountId, epoch },
    });
    const keys = await apiKeys.suspendForAccount(accountId, reason, ctx);
    await oauthGrants.revokeForAccount(accountId, ctx);
    return { keys, epoch };
  };
  trading.onKillSwitch(async (e) => {
    await suspendForAccount(e.accountId, `kill_switch: ${e.reason}`, e.ctx);
  });
  trading.onCircuitBreak(async (e) => {
    await suspendForAccount(e.accountId, `circuit_breaker: ${e.reason}`, { interface: 'api' });
  });
  return {
    repo,
    apiKeys,
    tokens,
    authenticator,
    state,
    keyCache,
    oauth,
    oauthGrants,
    oauthClients,
    suspendForAccount,
    close: async () => {
      keyCache.close();
      await keyCache.flush().catch(() => {});
      redis?.disconnect();
    },
  };
}
