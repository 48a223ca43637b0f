import type { FastifyRequest } from 'fastify';
import type { Services } from '../../../container.ts';
import type { SessionPrincipal } from '../../../policy/principal.ts';
import { auditCtx, requireSession } from '../../context.ts';

/**
 * The caller's session, checked by the policy engine for `action`: creating,
 * rotating, widening or resuming a credential and minting a token
 * ('add_api_key') need a fresh AAL2 session (else STEP_UP_REQUIRED with the
 * requirement); reading and revoking ('revoke_credential') are risk-reducing
 * and always allowed for a valid session. Programs never reach here: the auth
 * plugin answers ACTION_NOT_DELEGABLE on every session route.
 */
export async function enforceSession(
  services: Services,
  req: FastifyRequest,
  action: 'add_api_key' | 'revoke_credential',
): Promise<SessionPrincipal> {
  const session = requireSession(req);
  await services.authn.policy.enforce(session, action, {}, auditCtx(req));
  return session;
}
