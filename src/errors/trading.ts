import { DENIAL_CODES, type DenialCode } from '../risk/codes.ts';
import type { CodeEntry } from './entry.ts';

/** Every pre-trade denial is a public code answered with 422 and its values in `details`. */
const RISK_DENIALS = Object.fromEntries(
  Object.entries(DENIAL_CODES).map(([code, message]) => [code, { status: 422, message }]),
) as { readonly [K in DenialCode]: { readonly status: 422; readonly message: string } };

/** Public error codes of the trading domain (documented in docs/errors.md). */
export const TRADING_CODES = {
  ...RISK_DENIALS,
  ACCOUNT_NOT_FOUND: { status: 404, message: 'No such account.' },
  ACCOUNT_NOT_ACTIVE: { status: 409, message: 'The account is frozen or closed.' },
  ROLE_NOT_ALLOWED: { status: 403, message: 'Your role on this account does not allow this.' },
  ORDER_NOT_FOUND: { status: 404, message: 'No such order.' },
  ORDER_NOT_OPEN: { status: 409, message: 'The order is no longer open.' },
  IDEMPOTENCY_CONFLICT: {
    status: 409,
    message: 'This idempotency key was already used for a different order.',
  },
  INSTRUMENT_NOT_FOUND: { status: 404, message: 'No such instrument.' },
  INVALID_DECIMAL: { status: 400, message: 'A number is not a valid decimal string.' },
  LIMITS_INVALID: { status: 422, message: 'A limit is out of its allowed range.' },
  PRODUCT_NOT_OFFERED: { status: 422, message: 'The account’s legal entity does not offer this product.' },
  TRADING_NOT_HALTED: { status: 409, message: 'The account is not halted.' },
  UNFREEZE_COOLDOWN: { status: 409, message: 'The account was halted too recently to unfreeze.' },
  PAYEE_NOT_FOUND: { status: 404, message: 'No such payee.' },
  PAYEE_ON_HOLD: { status: 409, message: 'The payee is still in its hold period.' },
  INSUFFICIENT_FUNDS: { status: 422, message: 'Not enough free cash for this withdrawal.' },
  WITHDRAWAL_LIMIT_EXCEEDED: {
    status: 422,
    message: 'The withdrawal is above today’s limit for your strongest second factor.',
  },
  WITHDRAWAL_NOT_FOUND: { status: 404, message: 'No such withdrawal.' },
  WITHDRAWAL_NOT_CANCELLABLE: { status: 409, message: 'The withdrawal can no longer be cancelled.' },
} as const satisfies Record<string, CodeEntry>;
