/**
 * Every setting Portcullis reads, as data: its environment variable, its
 * default, and how it is parsed and checked. docs/configuration.md mirrors
 * this table (a test compares them). Each domain keeps its own settings in
 * `settings/`.
 */
import { int, type Setting, type SettingKind } from './setting.ts';
import { AUTHN_SETTINGS } from './settings/authn.ts';
import { CREDENTIAL_SETTINGS } from './settings/credentials.ts';
import { TRADING_SETTINGS } from './settings/trading.ts';

export type { Setting, SettingKind } from './setting.ts';

const FOUNDATION_SETTINGS = {
  env: {
    env: 'NODE_ENV',
    kind: { type: 'enum', values: ['development', 'production', 'test'] },
    default: 'development',
    description: 'Run mode; production refuses insecure development defaults.',
  },
  host: {
    env: 'PORTCULLIS_HOST',
    kind: { type: 'string' },
    default: '127.0.0.1',
    description: 'Address the HTTP server listens on.',
  },
  port: { env: 'PORTCULLIS_PORT', kind: int(0, 65535), default: 8080, description: 'HTTP port.' },
  publicOrigin: {
    env: 'PORTCULLIS_PUBLIC_ORIGIN',
    kind: { type: 'string', pattern: /^https?:\/\/[^/\s]+$/ },
    default: 'http://localhost:8080',
    description: 'Origin users reach the service at (scheme://host[:port]); decides cookie security.',
  },
  dataDir: {
    env: 'PORTCULLIS_DATA_DIR',
    kind: { type: 'string' },
    default: './data',
    description: 'Folder for the embedded SQLite database and development key material.',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    kind: { type: 'string', pattern: /^(postgres(ql)?:\/\/|sqlite:).+/, optional: true },
    default: undefined,
    description:
      'postgres://… for PostgreSQL, sqlite:PATH (or sqlite::memory:) for SQLite; unset = SQLite in the data folder.',
  },
  kek: {
    env: 'PORTCULLIS_KEK',
    kind: {
      type: 'string',
      pattern: /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44}(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,44})*$/,
      optional: true,
    },
    default: undefined,
    description: 'Key-encryption keys as "kid:base64key[,kid:base64key…]"; the first encrypts, all decrypt.',
  },
  logLevel: {
    env: 'PORTCULLIS_LOG_LEVEL',
    kind: { type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    description: 'Log level.',
  },
  trustProxy: {
    env: 'PORTCULLIS_TRUST_PROXY',
    kind: { type: 'bool' },
    default: false,
    description: 'Trust X-Forwarded-* headers (only behind a proxy you control).',
  },
  demoUser: {
    env: 'PORTCULLIS_DEMO_USER',
    kind: { type: 'bool' },
    default: true,
    description: 'Create the demo customer on first start (development only).',
  },
  argon2MemoryKib: {
    env: 'PORTCULLIS_ARGON2_MEMORY_KIB',
    kind: int(8192, 1048576),
    default: 19456,
    description: 'argon2id memory cost in KiB (OWASP: 19456).',
  },
  argon2TimeCost: {
    env: 'PORTCULLIS_ARGON2_TIME_COST',
    kind: int(1, 20),
    default: 2,
    description: 'argon2id iterations.',
  },
  argon2Parallelism: {
    env: 'PORTCULLIS_ARGON2_PARALLELISM',
    kind: int(1, 16),
    default: 1,
    description: 'argon2id lanes.',
  },
  argon2Threads: {
    env: 'PORTCULLIS_ARGON2_THREADS',
    kind: int(0, 64),
    default: 0,
    description: 'Password-hashing threads; 0 = one per CPU.',
  },
  argon2Nice: {
    env: 'PORTCULLIS_ARGON2_NICE',
    kind: int(0, 19),
    default: 10,
    description: 'Scheduling niceness of the hashing threads (higher yields the CPU to requests first).',
  },
  passwordMinLength: {
    env: 'PORTCULLIS_PASSWORD_MIN_LENGTH',
    kind: int(8, 64),
    default: 12,
    description: 'Minimum password length in characters (after NFKC normalisation).',
  },
  passwordMaxLength: {
    env: 'PORTCULLIS_PASSWORD_MAX_LENGTH',
    kind: int(64, 1024),
    default: 256,
    description: 'Maximum password length accepted (at least 64).',
  },
  loginMaxFailures: {
    env: 'PORTCULLIS_LOGIN_MAX_FAILURES',
    kind: int(3, 100),
    default: 50,
    description: 'Consecutive failures that lock an account (NIST: at most 100).',
  },
  loginFreeFailures: {
    env: 'PORTCULLIS_LOGIN_FREE_FAILURES',
    kind: int(1, 20),
    default: 5,
    description: 'Failures allowed before progressive delay starts.',
  },
  loginMaxDelaySeconds: {
    env: 'PORTCULLIS_LOGIN_MAX_DELAY_SECONDS',
    kind: int(1, 3600),
    default: 300,
    description: 'Cap of the progressive delay between attempts.',
  },
  loginIpPerMinute: {
    env: 'PORTCULLIS_LOGIN_IP_PER_MINUTE',
    kind: int(1, 100000),
    default: 60,
    description: 'Password attempts per client IP per minute.',
  },
  flowTtlSeconds: {
    env: 'PORTCULLIS_FLOW_TTL_SECONDS',
    kind: int(60, 3600),
    default: 600,
    description: 'Login flow lifetime.',
  },
  portalIdleSeconds: {
    env: 'PORTCULLIS_PORTAL_IDLE_SECONDS',
    kind: int(60, 86400),
    default: 900,
    description: 'Portal session idle limit.',
  },
  portalAbsoluteSeconds: {
    env: 'PORTCULLIS_PORTAL_ABSOLUTE_SECONDS',
    kind: int(300, 604800),
    default: 43200,
    description: 'Portal session absolute limit.',
  },
  mobileIdleSeconds: {
    env: 'PORTCULLIS_MOBILE_IDLE_SECONDS',
    kind: int(60, 31536000),
    default: 2592000,
    description: 'Mobile session idle limit.',
  },
  mobileAbsoluteSeconds: {
    env: 'PORTCULLIS_MOBILE_ABSOLUTE_SECONDS',
    kind: int(300, 31536000),
    default: 7776000,
    description: 'Mobile session absolute limit.',
  },
  desktopIdleSeconds: {
    env: 'PORTCULLIS_DESKTOP_IDLE_SECONDS',
    kind: int(60, 2592000),
    default: 28800,
    description: 'Desktop session idle limit.',
  },
  desktopAbsoluteSeconds: {
    env: 'PORTCULLIS_DESKTOP_ABSOLUTE_SECONDS',
    kind: int(300, 31536000),
    default: 604800,
    description: 'Desktop session absolute limit.',
  },
  sessionCacheMs: {
    env: 'PORTCULLIS_SESSION_CACHE_MS',
    kind: int(0, 10000),
    default: 1000,
    description:
      'How long a node may reuse a validated session, account record or membership before re-reading it (bounds cross-node revocation delay).',
  },
  sessionTouchSeconds: {
    env: 'PORTCULLIS_SESSION_TOUCH_SECONDS',
    kind: int(1, 300),
    default: 30,
    description: 'Granularity at which last-seen (the idle clock) is written.',
  },
} as const satisfies Record<string, Setting>;

export const SETTINGS = {
  ...FOUNDATION_SETTINGS,
  ...AUTHN_SETTINGS,
  ...TRADING_SETTINGS,
  ...CREDENTIAL_SETTINGS,
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

type ValueOf<K extends SettingKind> = K extends { type: 'int' }
  ? number
  : K extends { type: 'bool' }
    ? boolean
    : K extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : K extends { optional: true }
        ? string | undefined
        : string;

export type RawConfig = { -readonly [N in SettingName]: ValueOf<(typeof SETTINGS)[N]['kind']> };
