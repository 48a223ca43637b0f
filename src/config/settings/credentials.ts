import { int, type Setting } from '../setting.ts';

/** Settings of the credentials domain (see docs/configuration.md). */
export const CREDENTIAL_SETTINGS = {
  apiEnvironment: {
    env: 'PORTCULLIS_API_ENVIRONMENT',
    kind: { type: 'enum', values: ['paper', 'live'] },
    default: 'paper',
    description: 'Environment this node serves to programs; a key of the other environment is refused.',
  },
  signatureWindowMs: {
    env: 'PORTCULLIS_SIGNATURE_WINDOW_MS',
    kind: int(1000, 60000),
    default: 5000,
    description: 'Receive window of signed requests either side of server time (at most 60 s).',
  },
  apiKeyRatePerSecond: {
    env: 'PORTCULLIS_API_KEY_RATE_PER_SECOND',
    kind: int(1, 100000),
    default: 50,
    description: 'Sustained requests per second per credential (token-bucket refill).',
  },
  apiKeyRateBurst: {
    env: 'PORTCULLIS_API_KEY_RATE_BURST',
    kind: int(1, 100000),
    default: 100,
    description: 'Burst size of the per-credential token bucket.',
  },
  credentialCacheMs: {
    env: 'PORTCULLIS_CREDENTIAL_CACHE_MS',
    kind: int(0, 10000),
    default: 1000,
    description:
      'How long a node reuses a loaded key, epoch map or revocation list before re-reading; bounds cross-node revocation delay.',
  },
  credentialRedisUrl: {
    env: 'PORTCULLIS_CREDENTIALS_REDIS_URL',
    kind: { type: 'string', pattern: /^rediss?:\/\/.+/, optional: true },
    default: undefined,
    description:
      'redis://… to share nonces and per-credential rate limits between nodes; unset = in-process (one node).',
  },
} as const satisfies Record<string, Setting>;
