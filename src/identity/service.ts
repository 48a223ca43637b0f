import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { PasswordHasher } from './hasher.ts';
import { checkPassword, type PasswordPolicyOptions } from './password-policy.ts';
import type { UserStatus } from './tables.ts';
import type { LoginThrottle } from './throttle.ts';
import { toUser, type User, type UserRepository } from './users.ts';

/** What identity needs from the sessions domain, and nothing more. */
export interface SessionTerminator {
  revokeAllForUser(
    userId: string,
    reason: string,
    ctx: AuditContext,
    exceptSessionId?: string,
  ): Promise<number>;
  /** The user's record changed: cached copies must be re-read. */
  forgetUser(userId: string): void;
}

export interface NewUser {
  loginName: string;
  email?: string | null;
  phone?: string | null;
  displayName?: string;
  password: string;
  isAdmin?: boolean;
}

const LOGIN_NAME = /^[\p{L}\p{N}._@+-]{3,64}$/u;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export class IdentityService {
  readonly #users: UserRepository;
  readonly #hasher: PasswordHasher;
  readonly #audit: AuditTrail;
  readonly #throttle: LoginThrottle;
  readonly #policy: PasswordPolicyOptions;
  readonly #now: () => number;
  #sessions: SessionTerminator | undefined;

  constructor(deps: {
    users: UserRepository;
    hasher: PasswordHasher;
    audit: AuditTrail;
    throttle: LoginThrottle;
    policy: PasswordPolicyOptions;
    now?: () => number;
  }) {
    this.#users = deps.users;
    this.#hasher = deps.hasher;
    this.#audit = deps.audit;
    this.#throttle = deps.throttle;
    this.#policy = deps.policy;
    this.#now = deps.now ?? Date.now;
  }

  /** Wired after construction: sessions depend on identity for user status too. */
  attachSessions(sessions: SessionTerminator): void {
    this.#sessions = sessions;
  }

  get users(): UserRepository {
    return this.#users;
  }

  async createUser(input: NewUser, ctx: AuditContext = {}): Promise<User> {
    if (!LOGIN_NAME.test(input.loginName.normalize('NFKC'))) {
      throw new AppError('VALIDATION_FAILED', {
        message: 'The login name must be 3–64 letters, digits or . _ @ + -.',
        details: { field: 'loginName' },
      });
    }
    if (input.email && !EMAIL.test(input.email)) {
      throw new AppError('VALIDATION_FAILED', {
        message: 'The email address is invalid.',
        details: { field: 'email' },
      });
    }
    this.#assertPolicy(input.password, input.loginName, input.email ?? null);
    const row = await this.#users.insert({
      loginName: input.loginName,
      email: input.email ?? null,
      phone: input.phone ?? null,
      displayName: input.displayName ?? input.loginName,
      passwordHash: await this.#hasher.hash(input.password),
      isAdmin: input.isAdmin ?? false,
      now: this.#now(),
    });
    await this.#audit.record({
      ...ctx,
      name: 'user.created',
      outcome: 'success',
      subjectUserId: row.id,
      data: { admin: row.is_admin === 1 },
    });
    return toUser(row);
  }

  async getUser(id: string): Promise<User> {
    const row = await this.#users.findById(id);
    if (!row) throw new AppError('USER_NOT_FOUND');
    return toUser(row);
  }

  async findUser(idOrIdentifier: string): Promise<User> {
    const row =
      (await this.#users.findById(idOrIdentifier)) ?? (await this.#users.findByIdentifier(idOrIdentifier));
    if (!row) throw new AppError('USER_NOT_FOUND');
    return toUser(row);
  }

  /**
   * Requires the current password. When `endOtherSessions` is set, every other
   * session of the user ends (the current one stays).
   */
  async changePassword(
    userId: string,
    input: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
    ctx: AuditContext,
  ): Promise<{ endedSessions: number }> {
    const row = await this.#users.findById(userId);
    if (!row?.password_hash) throw new AppError('USER_NOT_FOUND');
    if (!(await this.#hasher.verify(row.password_hash, input.currentPassword))) {
      await this.#audit.record({
        ...ctx,
        name: 'user.password_changed',
        outcome: 'failure',
        reason: 'CURRENT_PASSWORD_INVALID',
        subjectUserId: userId,
      });
      throw new AppError('CURRENT_PASSWORD_INVALID');
    }
    this.#assertPolicy(input.newPassword, row.login_name, row.email);
    if (await this.#hasher.verify(row.password_hash, input.newPassword))
      throw new AppError('PASSWORD_REUSED');
    await this.#users.setPasswordHash(userId, await this.#hasher.hash(input.newPassword), this.#now(), true);
    this.#sessions?.forgetUser(userId);
    const endedSessions = input.endOtherSessions
      ? await this.#requireSessions().revokeAllForUser(
          userId,
          'password_changed',
          ctx,
          ctx.sessionId ?? undefined,
        )
      : 0;
    await this.#audit.record({
      ...ctx,
      name: 'user.password_changed',
      outcome: 'success',
      subjectUserId: userId,
      data: { endedSessions },
    });
    return { endedSessions };
  }

  /** Administrator actions on a user's status. Disabling ends every session at once. */
  async setStatus(userId: string, status: UserStatus, reason: string, ctx: AuditContext): Promise<User> {
    const row = await this.#users.findById(userId);
    if (!row) throw new AppError('USER_NOT_FOUND');
    await this.#users.setStatus(userId, status, status === 'active' ? null : reason, this.#now());
    this.#sessions?.forgetUser(userId);
    if (status === 'active') {
      await this.#throttle.reset(row.login_name);
      if (row.email) await this.#throttle.reset(row.email);
    }
    let endedSessions = 0;
    if (status === 'disabled')
      endedSessions = await this.#requireSessions().revokeAllForUser(userId, 'user_disabled', ctx);
    const name =
      status === 'active'
        ? row.status === 'disabled'
          ? 'user.enabled'
          : 'user.unlocked'
        : status === 'locked'
          ? 'user.locked'
          : 'user.disabled';
    await this.#audit.record({
      ...ctx,
      name,
      outcome: 'success',
      reason,
      subjectUserId: userId,
      data: { endedSessions },
    });
    return this.getUser(userId);
  }

  #assertPolicy(password: string, loginName: string, email: string | null): void {
    const rejection = checkPassword(password, { loginName, email }, this.#policy);
    if (rejection) {
      throw new AppError(rejection.code, {
        message: rejection.message,
        ...('details' in rejection ? { details: rejection.details } : {}),
      });
    }
  }

  #requireSessions(): SessionTerminator {
    if (!this.#sessions) throw new TypeError('IdentityService used before sessions were attached');
    return this.#sessions;
  }
}
