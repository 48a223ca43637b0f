import { AppError } from '../errors/index.ts';

/** Maps a factor module's failure code to a public error. */
export function toAppError(code: string, details?: Record<string, unknown>): AppError {
  const direct = [
    'TOTP_MALFORMED',
    'TOTP_INVALID',
    'TOTP_REPLAYED',
    'RECOVERY_CODE_MALFORMED',
    'RECOVERY_CODE_INVALID',
    'RECOVERY_CODE_USED',
    'SMS_CODE_MALFORMED',
    'SMS_CODE_INVALID',
    'CLOCK_SKEW',
  ];
  if (direct.includes(code)) return new AppError(code as 'TOTP_INVALID', details ? { details } : {});
  if (code === 'SMS_CODE_EXPIRED' || code === 'SMS_CODE_USED' || code === 'SMS_TOO_MANY_ATTEMPTS')
    return new AppError('SMS_CODE_EXPIRED', { details: { reason: code } });
  if (code === 'SMS_NO_CHALLENGE') return new AppError('SMS_NOT_SENT');
  if (code === 'WEBAUTHN_SIGN_COUNT_REGRESSION') return new AppError('WEBAUTHN_CLONE_SUSPECTED');
  if (code.startsWith('WEBAUTHN_')) return new AppError('WEBAUTHN_REJECTED', { details: { reason: code } });
  if (code.startsWith('DEVICE_')) return new AppError('DEVICE_PROOF_INVALID', { details: { reason: code } });
  if (code.startsWith('PUSH_')) return new AppError('PUSH_REJECTED', { details: { reason: code } });
  return new AppError('ENROLLMENT_NOT_FOUND');
}
