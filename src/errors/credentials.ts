import { CREDENTIAL_CODES, type CredentialCode } from '../credentials/codes.ts';
import type { CodeEntry } from './entry.ts';

/** The pure checks' codes (src/credentials/codes.ts), as public error codes. */
const FROM_CHECKS = Object.fromEntries(
  Object.entries(CREDENTIAL_CODES).map(([code, { status, message }]) => [code, { status, message }]),
) as { [C in CredentialCode]: { status: (typeof CREDENTIAL_CODES)[C]['status']; message: string } };

/** Public error codes of the credentials domain (documented in docs/errors.md). */
export const CREDENTIAL_ERROR_CODES = {
  ...FROM_CHECKS,
  API_KEY_NOT_FOUND: { status: 404, message: 'No such API key.' },
  API_KEY_NOT_ACTIVE: { status: 409, message: 'The API key is revoked or expired; it cannot change.' },
  PUBLIC_KEY_INVALID: { status: 400, message: 'The public key is not an Ed25519 key in SPKI PEM form.' },
  DELEGATED_TOKEN_NOT_FOUND: { status: 404, message: 'No such delegated token.' },
  OAUTH_GRANT_NOT_FOUND: { status: 404, message: 'No such connected app.' },
  OAUTH_CLIENT_NOT_FOUND: { status: 404, message: 'No such registered app.' },
  OAUTH_CLIENT_EXISTS: { status: 409, message: 'An app with this client id is already registered.' },
  OAUTH_CLIENT_PUBLIC: { status: 409, message: 'A public app holds no secret to rotate.' },
  CREDENTIALS_UNAVAILABLE: {
    status: 503,
    message: 'Credential state could not be read; signed requests fail closed. Retry shortly.',
  },
} as const satisfies Record<string, CodeEntry>;
