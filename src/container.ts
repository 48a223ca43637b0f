import { AuditTrail } from './audit/index.ts';
import { type AttemptLimiter, LoginFlowService } from './authn/flows/login-flow.ts';
import { FlowRepository } from './authn/flows/repository.ts';
import { type AuthnServices, createAuthnServices } from './authn/wire.ts';
import type { Config } from './config/index.ts';
import { type CredentialServices, createCredentialServices } from './credentials/wire.ts';
import { IdentityService, LoginThrottle, PasswordHasher, UserRepository } from './identity/index.ts';
import { MemoryRateLimiter } from './limits/index.ts';
import { SessionRepository, SessionService, sessionPolicies } from './sessions/index.ts';
import { migrateToLatest, openStore, type Store } from './store/index.ts';
import { createTradingServices, type TradingServices } from './trading/wire.ts';

/** The foundation's services: identity, sessions, the login flow, audit. */
export interface FoundationServices {
  readonly config: Config;
  readonly store: Store;
  readonly audit: AuditTrail;
  readonly hasher: PasswordHasher;
  readonly identity: IdentityService;
  readonly sessions: SessionService;
  readonly flows: LoginFlowService;
  readonly ipLimiter: AttemptLimiter;
  /** The node's clock (tests pass a controllable one). */
  readonly now: () => number;
  close(): Promise<void>;
}

/**
 * Every service of one running node, wired once; the HTTP app and the CLI
 * share it. Each later domain wires itself in its own `wire.ts`, in
 * dependency order: authn, then trading, then credentials.
 */
export interface Services extends FoundationServices {
  readonly authn: AuthnServices;
  readonly trading: TradingServices;
  readonly credentials: CredentialServices;
}

export async function createServices(
  config: Config,
  options: { store?: Store; now?: () => number; migrate?: boolean } = {},
): Promise<Services> {
  const store = options.store ?? openStore(config.databaseUrl);
  if (options.migrate !== false) await migrateToLatest(store.db);
  const now = options.now ?? Date.now;
  const audit = new AuditTrail(store, now);
  const hasher = new PasswordHasher({
    memoryKib: config.argon2MemoryKib,
    timeCost: config.argon2TimeCost,
    parallelism: config.argon2Parallelism,
    ...(config.argon2Threads > 0 ? { threads: config.argon2Threads } : {}),
    nice: config.argon2Nice,
  });
  const throttle = new LoginThrottle(store.db, {
    freeFailures: config.loginFreeFailures,
    maxFailures: config.loginMaxFailures,
    maxDelaySeconds: config.loginMaxDelaySeconds,
  });
  const users = new UserRepository(store.db);
  const identity = new IdentityService({
    users,
    hasher,
    audit,
    throttle,
    policy: { minLength: config.passwordMinLength, maxLength: config.passwordMaxLength },
    now,
  });
  const sessions = new SessionService({
    repo: new SessionRepository(store.db),
    users,
    audit,
    policies: sessionPolicies(config),
    cacheMs: config.sessionCacheMs,
    touchMs: config.sessionTouchSeconds * 1000,
    now,
  });
  identity.attachSessions(sessions);
  const ipLimiter = new MemoryRateLimiter(
    { capacity: config.loginIpPerMinute, refillPerSecond: config.loginIpPerMinute / 60 },
    { now },
  );
  const flows = new LoginFlowService({
    flows: new FlowRepository(store.db),
    identity,
    hasher,
    throttle,
    sessions,
    audit,
    ipLimiter,
    options: { ttlMs: config.flowTtlSeconds * 1000, maxAttemptsPerFlow: 5 },
    now,
  });
  const foundation: FoundationServices = {
    config,
    store,
    audit,
    hasher,
    identity,
    sessions,
    flows,
    ipLimiter,
    now,
    close: async () => {
      await hasher.close();
      await store.close();
    },
  };
  const authn = await createAuthnServices(foundation);
  const trading = await createTradingServices(foundation, authn);
  const credentials = await createCredentialServices(foundation, authn, trading);
  return {
    ...foundation,
    authn,
    trading,
    credentials,
    close: async () => {
      authn.hub.close();
      await foundation.close();
    },
  };
}
