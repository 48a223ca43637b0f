import { int, type Setting } from '../setting.ts';

/** Settings of the trading domain (see docs/configuration.md). */
export const TRADING_SETTINGS = {
  quoteIntervalMs: {
    env: 'PORTCULLIS_QUOTE_INTERVAL_MS',
    kind: int(0, 60000),
    default: 1000,
    description:
      'Wall time between steps of the simulated quote feed; 0 stops the feed (tests step it by hand).',
  },
  quoteSeed: {
    env: 'PORTCULLIS_QUOTE_SEED',
    kind: int(0, 2147483647),
    default: 42,
    description: 'Seed of the simulated quote feed (same seed, same prices).',
  },
  unfreezeCooldownSeconds: {
    env: 'PORTCULLIS_UNFREEZE_COOLDOWN_SECONDS',
    kind: int(0, 604800),
    default: 300,
    description: 'Time after a kill switch before the account may be unfrozen.',
  },
  payeeHoldHours: {
    env: 'PORTCULLIS_PAYEE_HOLD_HOURS',
    kind: int(0, 720),
    default: 48,
    description: 'Hold on a new payee before it can receive funds.',
  },
  withdrawalDelaySeconds: {
    env: 'PORTCULLIS_WITHDRAWAL_DELAY_SECONDS',
    kind: int(0, 604800),
    default: 3600,
    description: 'Window during which a requested withdrawal can still be cancelled.',
  },
  withdrawalApprovalThreshold: {
    env: 'PORTCULLIS_WITHDRAWAL_APPROVAL_THRESHOLD',
    kind: { type: 'string', pattern: /^\d{1,15}(\.\d{1,2})?$/ },
    default: '10000',
    description: 'Withdrawals at or above this amount need a second approval on another device.',
  },
  withdrawalLimits: {
    env: 'PORTCULLIS_WITHDRAWAL_LIMITS',
    kind: {
      type: 'string',
      pattern: /^[a-z_]+:\d{1,15}(\.\d{1,2})?(,[a-z_]+:\d{1,15}(\.\d{1,2})?)*$/,
    },
    default: 'none:1000,sms:10000,totp:50000,push:100000,device_key:100000,webauthn:250000',
    description: 'Daily withdrawal limit by the strongest second factor of the session (tier:amount,…).',
  },
  circuitBreakerDenials: {
    env: 'PORTCULLIS_CIRCUIT_BREAKER_DENIALS',
    kind: int(1, 10000),
    default: 20,
    description: 'Risk denials of one credential within the window that trip its circuit breaker.',
  },
  circuitBreakerWindowSeconds: {
    env: 'PORTCULLIS_CIRCUIT_BREAKER_WINDOW_SECONDS',
    kind: int(1, 3600),
    default: 60,
    description: 'Sliding window of the credential circuit breaker.',
  },
} as const satisfies Record<string, Setting>;
