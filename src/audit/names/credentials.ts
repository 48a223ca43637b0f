/** Audit event names of the credentials domain, `<entity>.<past-tense verb>` (listed in docs/audit.md). */
export const CREDENTIAL_EVENTS = [
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'api_key.suspended',
  'api_key.resumed',
  'api_key.denied',
  'delegated_token.minted',
  'delegated_token.revoked',
  'delegated_token.denied',
  'credential_epoch.bumped',
  'oauth_client.registered',
  'oauth_client.removed',
  'oauth_client.secret_rotated',
  'oauth_grant.created',
  'oauth_grant.revoked',
  'oauth_token.denied',
] as const;
