export { type Argon2Params, PasswordHasher } from './hasher.ts';
export {
  checkPassword,
  isCommonPassword,
  normalisePassword,
  type PasswordRejection,
  passwordLength,
} from './password-policy.ts';
export { IdentityService, type NewUser, type SessionTerminator } from './service.ts';
export type { UserStatus } from './tables.ts';
export { LoginThrottle, type ThrottlePolicy } from './throttle.ts';
export { normaliseIdentifier, toUser, type User, UserRepository } from './users.ts';
