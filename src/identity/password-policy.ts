import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Password rules per NIST SP 800-63B §3.1.1.2 and OWASP ASVS V2.1: a minimum
 * length, a generous maximum, no composition rules, every character counts
 * (no truncation; Unicode normalised to NFKC), and rejection of common or
 * breached passwords and of passwords containing the login name or email.
 * The list is the ~49,000 most common passwords from breach corpora, shipped by
 * the maintained @zxcvbn-ts/language-common package.
 */
const COMMON = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export type PasswordRejection =
  | { code: 'PASSWORD_TOO_SHORT'; message: string; details: { minLength: number; length: number } }
  | { code: 'PASSWORD_TOO_LONG'; message: string; details: { maxLength: number; length: number } }
  | { code: 'PASSWORD_COMMON'; message: string }
  | {
      code: 'PASSWORD_CONTAINS_IDENTIFIER';
      message: string;
      details: { identifier: 'login name' | 'email' };
    };

export interface PasswordPolicyOptions {
  minLength: number;
  maxLength: number;
}

export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in Unicode code points after normalisation, the way a person counts characters. */
export function passwordLength(password: string): number {
  let n = 0;
  for (const _ of normalisePassword(password)) n++;
  return n;
}

export function isCommonPassword(password: string): boolean {
  return COMMON.has(normalisePassword(password).toLowerCase());
}

export function checkPassword(
  password: string,
  who: { loginName: string; email?: string | null },
  options: PasswordPolicyOptions,
): PasswordRejection | null {
  const length = passwordLength(password);
  if (length < options.minLength) {
    return {
      code: 'PASSWORD_TOO_SHORT',
      message: `The password must be at least ${options.minLength} characters long (it has ${length}).`,
      details: { minLength: options.minLength, length },
    };
  }
  if (length > options.maxLength) {
    return {
      code: 'PASSWORD_TOO_LONG',
      message: `The password must be at most ${options.maxLength} characters long (it has ${length}).`,
      details: { maxLength: options.maxLength, length },
    };
  }
  const lower = normalisePassword(password).toLowerCase();
  if (COMMON.has(lower)) {
    return {
      code: 'PASSWORD_COMMON',
      message: 'This password is among commonly used or breached passwords; choose another.',
    };
  }
  const login = who.loginName.normalize('NFKC').toLowerCase();
  if (login.length >= 3 && lower.includes(login)) {
    return {
      code: 'PASSWORD_CONTAINS_IDENTIFIER',
      message: 'The password must not contain your login name.',
      details: { identifier: 'login name' },
    };
  }
  const email = who.email?.normalize('NFKC').toLowerCase();
  const local = email?.split('@')[0];
  if (email && (lower.includes(email) || (local && local.length >= 3 && lower.includes(local)))) {
    return {
      code: 'PASSWORD_CONTAINS_IDENTIFIER',
      message: 'The password must not contain your email address.',
      details: { identifier: 'email' },
    };
  }
  return null;
}
