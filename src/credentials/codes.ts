/**
 * Stable rejection codes of the credentials domain (signed requests, scopes,
 * constraints, lifetimes, delegated tokens), with the HTTP status each should
 * answer with and what the caller should do. The pure functions of this folder
 * return these codes in typed results; the HTTP layer turns them into the one
 * error shape of API.md. Keep this table, `src/errors/codes.ts` and
 * `docs/errors.md` in step when integrating.
 */
export const CREDENTIAL_CODES = {
  SIGNATURE_MISSING: {
    status: 401,
    message: 'The request is not signed, or a PC-* signing header is malformed.',
    action: 'Send PC-KEY, PC-TIMESTAMP, PC-NONCE and PC-SIGNATURE as described in the API reference.',
  },
  TIMESTAMP_OUT_OF_WINDOW: {
    status: 401,
    message: 'PC-TIMESTAMP is outside the receive window.',
    action: 'Synchronise the clock and sign again; details.skewMs is your clock minus details.serverTime.',
  },
  REPLAYED_REQUEST: {
    status: 401,
    message: 'This nonce was already used with this key within the receive window.',
    action: 'Use a fresh random nonce for every request, including retries.',
  },
  INVALID_SIGNATURE: {
    status: 401,
    message: 'The signature does not match the request, or the key is unknown.',
    action: 'Check the key id, the secret or private key, and the canonical string.',
  },
  SCOPE_UNKNOWN: {
    status: 400,
    message: 'A requested scope does not exist.',
    action: 'Use only scopes from the catalogue.',
  },
  SCOPE_INSUFFICIENT: {
    status: 403,
    message: 'The credential’s scopes do not allow this action.',
    action: 'Use a credential with the scope named in details.requiredScopes.',
  },
  ACTION_NOT_DELEGABLE: {
    status: 403,
    message: 'No API key or token can do this; it needs an interactive session.',
    action: 'Sign in to the portal or the mobile app.',
  },
  ACCOUNT_NOT_ALLOWED: {
    status: 403,
    message: 'The credential is not valid for this account.',
    action: 'Use a credential issued for this account.',
  },
  ENVIRONMENT_MISMATCH: {
    status: 403,
    message: 'The credential belongs to the other environment (paper or live).',
    action: 'Use a key of the environment you call.',
  },
  IP_NOT_ALLOWED: {
    status: 403,
    message: 'The request comes from an address outside the credential’s allowlist.',
    action: 'Call from an allowed network or widen the allowlist from a fresh session.',
  },
  SYMBOL_NOT_ALLOWED: {
    status: 403,
    message: 'The credential may not trade this symbol.',
    action: 'Trade only the symbols in the credential’s constraints.',
  },
  ASSET_CLASS_NOT_ALLOWED: {
    status: 403,
    message: 'The credential may not trade this asset class.',
    action: 'Trade only the asset classes in the credential’s constraints.',
  },
  ORDER_TYPE_NOT_ALLOWED: {
    status: 403,
    message: 'The credential may not use this order type.',
    action: 'Use an order type allowed by the credential.',
  },
  ORDER_NOTIONAL_EXCEEDED: {
    status: 422,
    message: 'The order’s notional exceeds the credential’s per-order maximum.',
    action: 'Send a smaller order.',
  },
  DAILY_NOTIONAL_EXCEEDED: {
    status: 422,
    message: 'The order would exceed the credential’s daily notional maximum.',
    action: 'Wait for the next trading day or use another credential.',
  },
  OPEN_ORDERS_EXCEEDED: {
    status: 422,
    message: 'The credential already has its maximum number of open orders.',
    action: 'Cancel or wait for fills before sending more orders.',
  },
  CREDENTIAL_EXPIRED: {
    status: 401,
    message: 'The credential (or this secret of it) has expired or left its rotation grace window.',
    action: 'Use the rotated secret, or create a new key from a fresh session.',
  },
  CREDENTIAL_REVOKED: {
    status: 401,
    message: 'The credential was revoked.',
    action: 'Create a new key from a fresh session.',
  },
  CONSTRAINTS_INVALID: {
    status: 400,
    message: 'The credential constraints are invalid.',
    action: 'Fix every problem listed in details.problems.',
  },
  EXPIRY_INVALID: {
    status: 400,
    message: 'The requested expiry is in the past or beyond the longest lifetime allowed.',
    action: 'Choose an expiry no later than details.maxExpiresAt.',
  },
  CREDENTIAL_SUSPENDED: {
    status: 403,
    message: 'The credential is suspended (kill switch, circuit breaker or its owner).',
    action: 'Ask the owner to resume it from a fresh session once the account is safe.',
  },
  TOKEN_INVALID: {
    status: 401,
    message: 'The delegated token is malformed, forged or not meant for this service.',
    action: 'Mint a new token from a fresh session.',
  },
  TOKEN_EXPIRED: {
    status: 401,
    message: 'The delegated token has expired.',
    action: 'Mint a new token.',
  },
  TOKEN_REVOKED: {
    status: 401,
    message: 'The delegated token was revoked (kill switch or credential epoch bump).',
    action: 'Mint a new token after the account is unfrozen.',
  },
  TOKEN_KEY_MISMATCH: {
    status: 401,
    message: 'The delegated token is bound to another API key.',
    action: 'Send the token with the API key it was minted for.',
  },
  DPOP_REQUIRED: {
    status: 401,
    message: 'The access token is bound to a DPoP key; it cannot be used as a bearer token.',
    action: 'Send it as Authorization: DPoP <token> with a DPoP proof signed by its key.',
  },
  DPOP_PROOF_INVALID: {
    status: 401,
    message:
      'The DPoP proof is missing, malformed, not signed by its embedded public key or not for this token.',
    action:
      'Send one DPoP header: a dpop+jwt signed with an allowed algorithm, with ath of this access token.',
  },
  DPOP_KEY_MISMATCH: {
    status: 401,
    message: 'The DPoP proof is signed by another key than the one the access token is bound to.',
    action: 'Sign the proof with the key the token was issued for, or send a DPoP-bound token.',
  },
  DPOP_PROOF_MISMATCH: {
    status: 401,
    message: 'The DPoP proof is for another HTTP method or URL (htm, htu).',
    action: 'Make a fresh proof for this method and URL (without query and fragment).',
  },
  DPOP_PROOF_STALE: {
    status: 401,
    message: 'The DPoP proof’s iat is outside the receive window.',
    action: 'Synchronise the clock and make a fresh proof for every request.',
  },
  DPOP_PROOF_REPLAYED: {
    status: 401,
    message: 'This DPoP proof (its jti) was already used with this token.',
    action: 'Make a fresh proof, with a new jti, for every request including retries.',
  },
} as const satisfies Record<string, { status: number; message: string; action: string }>;

export type CredentialCode = keyof typeof CREDENTIAL_CODES;

/**
 * A refusal from a pure check: a stable code, public `details` (safe to send
 * to the caller, never secrets) and optional `internal` facts for logs only.
 */
export interface Refusal<C extends CredentialCode = CredentialCode> {
  ok: false;
  code: C;
  details: Record<string, unknown>;
  internal?: Record<string, unknown>;
  /** Response headers the refusal answers with (a `WWW-Authenticate` challenge). */
  headers?: Record<string, string>;
}

export function refuse<C extends CredentialCode>(
  code: C,
  details: Record<string, unknown> = {},
  internal?: Record<string, unknown>,
): Refusal<C> {
  return internal === undefined ? { ok: false, code, details } : { ok: false, code, details, internal };
}

export const OK = Object.freeze({ ok: true as const });
export type Ok = typeof OK;
