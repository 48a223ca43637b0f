import type { Aal, Assurance, FactorMethod, UsedFactor } from './types.ts';

/**
 * Authenticator assurance level per NIST SP 800-63B (rev. 3 §4, rev. 4 §2).
 *
 * | factors used                                         | AAL | why                                              |
 * |------------------------------------------------------|-----|--------------------------------------------------|
 * | any one single-factor authenticator (password alone)  | 1   | one factor                                       |
 * | password + TOTP / push / recovery code / device key  | 2   | two factor types (know + have)                   |
 * | password + SMS                                        | 2*  | *restricted: PSTN out-of-band (§5.1.3.3)          |
 * | push, device key or WebAuthn with user verification  | 2   | multi-factor authenticator (have + are/know)     |
 * | password + WebAuthn (synced, or without UV)           | 2   | not hardware-bound, or no UV                     |
 * | WebAuthn hardware-bound with UV (± password)          | 3   | multi-factor cryptographic hardware, phishing-   |
 * |                                                      |     | resistant (origin-bound)                          |
 * | two "have" factors (e.g. TOTP + recovery code)        | 1   | same factor type twice                           |
 *
 * Device keys and push are capped at AAL2: their signatures are not bound
 * to the origin, so they are not verifier-impersonation resistant. We are
 * stricter than NIST in one place: password + a hardware-bound WebAuthn key
 * without UV stays at AAL2 (NIST would allow AAL3).
 *
 * `restricted` is true when removing the SMS uses would lower the level:
 * the assurance then rests on a restricted authenticator.
 */
export function computeAal(usedFactors: readonly UsedFactor[]): Assurance {
  if (usedFactors.length === 0) throw new TypeError('computeAal needs at least one used factor');
  const all = levelOf(usedFactors) as Aal;
  const withoutSms = levelOf(usedFactors.filter((f) => f.method !== 'sms'));
  return { aal: all, restricted: withoutSms < all };
}

const SOMETHING_YOU_KNOW: readonly FactorMethod[] = ['password'];

/** Authenticators that carry their own second factor when the user was verified. */
const MULTI_FACTOR_WITH_UV: readonly FactorMethod[] = ['webauthn', 'push', 'device_key'];

function levelOf(factors: readonly UsedFactor[]): 0 | Aal {
  if (factors.length === 0) return 0;
  if (factors.some(isMultiFactorCryptographicHardware)) return 3;
  if (factors.some((f) => MULTI_FACTOR_WITH_UV.includes(f.method) && f.userVerified === true)) return 2;
  const know = factors.some((f) => SOMETHING_YOU_KNOW.includes(f.method));
  const have = factors.some((f) => !SOMETHING_YOU_KNOW.includes(f.method));
  return know && have ? 2 : 1;
}

function isMultiFactorCryptographicHardware(f: UsedFactor): boolean {
  return f.method === 'webauthn' && f.hardwareBound === true && f.userVerified === true;
}
