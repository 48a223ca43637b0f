import { AuditTrail } from './audit/index.ts';
import { FlowRepository } from './authn/flows/repository.ts';
import { type AttemptLimiter, LoginFlowService } from './authn/flows/login-flow.ts';
import type { Config } from './config/index.ts';
import { IdentityService, LoginThrottle, PasswordHasher, UserRepository } from './identity/index.ts';
import { MemoryRateLimiter } from './limits/index.ts';
import { SessionRepository, SessionService, sessionPolicies } from './sessions/index.ts';
import { migrateToLatest, openStore, type Store } from './store/index.ts';

/** Every service of one running node, wired once; the HTTP app and the CLI share it. */
export interface Services {
  readonly config: Config;
  readonly store: Store;
  readonly audit: AuditTrail;
  readonly hasher: PasswordHasher;
  readonly identity: IdentityService;
  readonly sessions: SessionService;
  readonly flows: LoginFlowService;
  readonly ipLimiter: AttemptLimiter;
  close(): Promise<void>;
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
  const ipLimiter = new MemoryRateLimiter({
    capacity: config.loginIpPerMinute,
    refillPerSecond: config.loginIpPerMinute / 60,
    now,
  });
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
  return {
    config,
    store,
    audit,
    hasher,
    identity,
    sessions,
    flows,
    ipLimiter,
    close: () => store.close(),
  };
}
