import { int, type Setting } from '../setting.ts';

const DECIMAL = /^\d{1,15}(\.\d{1,8})?$/;

/** Settings of the authn domain (see docs/configuration.md). */
export const AUTHN_SETTINGS = {
  webauthnRpId: {
    env: 'PORTCULLIS_WEBAUTHN_RP_ID',
    kind: { type: 'string', pattern: /^[a-z0-9.-]{1,253}$/ },
    default: 'localhost',
    description: 'WebAuthn relying-party id (the registrable domain of the public origin).',
  },
  rememberDeviceDays: {
    env: 'PORTCULLIS_REMEMBER_DEVICE_DAYS',
    kind: int(0, 365),
    default: 30,
    description: 'How long "remember this device" skips the second factor at sign-in (0 = off).',
  },
  maxClockSkewSeconds: {
    env: 'PORTCULLIS_MAX_CLOCK_SKEW_SECONDS',
    kind: int(1, 3600),
    default: 90,
    description: 'Largest device clock difference accepted in a device proof (else CLOCK_SKEW).',
  },
  eventsRedisUrl: {
    env: 'PORTCULLIS_EVENTS_REDIS_URL',
    kind: { type: 'string', pattern: /^rediss?:\/\/.+/, optional: true },
    default: undefined,
    description:
      'redis://… to fan push challenges, decisions and alerts out to every node at once; unset = in-process (other nodes read the stored rows).',
  },
  smsEnabled: {
    env: 'PORTCULLIS_SMS_ENABLED',
    kind: { type: 'bool' },
    default: false,
    description: 'Allow SMS codes, a restricted authenticator (NIST SP 800-63B).',
  },
  smsWebhookUrl: {
    env: 'PORTCULLIS_SMS_WEBHOOK_URL',
    kind: { type: 'string', pattern: /^https?:\/\/\S+$/, optional: true },
    default: undefined,
    description: 'HTTP gateway that sends SMS; unset = development sender (data folder file).',
  },
  factorFailuresPerHour: {
    env: 'PORTCULLIS_FACTOR_FAILURES_PER_HOUR',
    kind: int(1, 1000),
    default: 10,
    description: 'Wrong second-factor codes accepted per account per hour before FACTOR_GUESS_LIMIT.',
  },
  policyFreshHighSeconds: {
    env: 'PORTCULLIS_POLICY_FRESH_HIGH_SECONDS',
    kind: int(30, 86400),
    default: 300,
    description: 'Freshness for withdrawals and security changes (payee, contact, device, factor, key).',
  },
  policyFreshMediumSeconds: {
    env: 'PORTCULLIS_POLICY_FRESH_MEDIUM_SECONDS',
    kind: int(30, 86400),
    default: 900,
    description: 'Freshness for margin, new product classes and large orders.',
  },
  policyLargeOrderNotional: {
    env: 'PORTCULLIS_POLICY_LARGE_ORDER_NOTIONAL',
    kind: { type: 'string', pattern: DECIMAL },
    default: '50000',
    description: 'Order notional above which opening or enlarging a position needs fresh AAL2.',
  },
  policyWithdrawAal3Above: {
    env: 'PORTCULLIS_POLICY_WITHDRAW_AAL3_ABOVE',
    kind: { type: 'string', pattern: DECIMAL },
    default: '10000',
    description: 'Withdrawal amount above which AAL3 (hardware security key) is required.',
  },
} as const satisfies Record<string, Setting>;
