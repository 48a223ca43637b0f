export {
  INTERFACES,
  type Interface,
  isInterface,
  type SessionPolicies,
  type SessionPolicy,
  sessionPolicies,
} from './policy.ts';
export { SessionRepository } from './repository.ts';
export { type NewSession, SessionService, type SessionView } from './service.ts';
