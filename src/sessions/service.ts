import type { Transaction } from 'kysely';
import type { AuditContext, AuditInput, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { SessionTerminator, UserRepository } from '../identity/index.ts';
import type { UsersTable } from '../identity/tables.ts';
import type { FactorUse, SessionPrincipal } from '../policy/principal.ts';
import { newId, newToken, sha256Hex } from '../store/ids.ts';
import type { Database } from '../store/schema.ts';
import type { Interface, SessionPolicies } from './policy.ts';
import type { SessionRepository } from './repository.ts';
import type { SessionsTable } from './tables.ts';

export interface SessionView {
  id: string;
  interface: string;
  deviceId: string | null;
  ip: string;
  userAgent: string;
  aal: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

interface CacheEntry {
  row: SessionsTable;
  user: UsersTable;
  /** Built once per load and frozen: the hot path hands out the same object until the entry is re-read. */
  principal: SessionPrincipal;
  fetchedAt: number;
}

export interface NewSession {
  id?: string;
  userId: string;
  interface: Interface;
  factors: FactorUse[];
  aal: number;
  deviceId: string | null;
  ip: string;
  userAgent: string;
}

/**
 * Sessions for the interactive ways in. Validation is the hot path of every
 * request, so a node keeps a validated session for at most `cacheMs` before
 * re-reading it; revocations on this node evict at once, and the cache bound
 * is the longest another node can lag (docs/architecture.md). The idle clock is
 * written at most every `touchMs`.
 */
export class SessionService implements SessionTerminator {
  readonly #repo: SessionRepository;
  readonly #users: UserRepository;
  readonly #audit: AuditTrail;
  readonly #policies: SessionPolicies;
  readonly #cacheMs: number;
  readonly #touchMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #hashById = new Map<string, string>();

  constructor(deps: {
    repo: SessionRepository;
    users: UserRepository;
    audit: AuditTrail;
    policies: SessionPolicies;
    cacheMs: number;
    touchMs: number;
    now?: () => number;
  }) {
    this.#repo = deps.repo;
    this.#users = deps.users;
    this.#audit = deps.audit;
    this.#policies = deps.policies;
    this.#cacheMs = deps.cacheMs;
    this.#touchMs = deps.touchMs;
    this.#now = deps.now ?? Date.now;
  }

  policyFor(iface: Interface) {
    return this.#policies[iface];
  }

  /** The CSRF token bound to a session token: readable by the page, useless without the HttpOnly cookie. */
  static csrfTokenFor(token: string): string {
    return sha256Hex(`csrf:${token}`).slice(0, 43);
  }

  /**
   * Issues a session: the row and its audit events (`session.created`, then `alsoRecord`, for example
   * the sign-in that led to it) commit in one transaction. `claim` runs first in that transaction (the
   * login flow claims itself there); if it throws, nothing is written. A caller may choose the session
   * id (`input.id`) to reference it first.
   */
  async create(
    input: NewSession,
    ctx: AuditContext,
    alsoRecord: readonly AuditInput[] = [],
    claim?: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<{ token: string; session: SessionView }> {
    const now = this.#now();
    const token = newToken();
    const row: SessionsTable = {
      id: input.id ?? newId('ses'),
      token_hash: sha256Hex(token),
      user_id: input.userId,
      interface: input.interface,
      device_id: input.deviceId,
      ip: input.ip,
      user_agent: input.userAgent.slice(0, 512),
      aal: input.aal,
      factors: JSON.stringify(input.factors),
      created_at: now,
      last_seen_at: now,
      absolute_expires_at: now + this.#policies[input.interface].absoluteMs,
      revoked_at: null,
      revoked_reason: null,
    };
    const created: AuditInput = {
      ...ctx,
      actorUserId: input.userId,
      sessionId: row.id,
      interface: input.interface,
      name: 'session.created',
      outcome: 'success',
      data: { aal: input.aal, methods: input.factors.map((f) => f.method).join(',') },
    };
    const events = await this.#repo.transaction(async (trx) => {
      await claim?.(trx);
      await this.#repo.insert(row, trx);
      return this.#audit.appendWithin(trx, [created, ...alsoRecord]);
    });
    this.#audit.announce(events);
    return { token, session: this.#view(row, row.id) };
  }

  /** Resolves a token into a principal, or throws UNAUTHENTICATED / SESSION_EXPIRED. */
  async authenticate(token: string, transport: 'cookie' | 'bearer'): Promise<SessionPrincipal> {
    const now = this.#now();
    const hash = sha256Hex(token);
    let entry = this.#cache.get(hash);
    if (!entry || now - entry.fetchedAt > this.#cacheMs) entry = await this.#load(hash, now);
    const { row } = entry;
    const policy = this.#policies[row.interface as Interface];
    if (!policy || policy.transport !== transport) throw new AppError('UNAUTHENTICATED');
    if (now >= row.absolute_expires_at || now - row.last_seen_at >= policy.idleMs) {
      await this.#expire(row, now >= row.absolute_expires_at ? 'absolute_timeout' : 'idle_timeout');
      throw new AppError('SESSION_EXPIRED');
    }
    if (now - row.last_seen_at >= this.#touchMs) {
      row.last_seen_at = now;
      await this.#repo.touch(row.id, now);
    }
    return entry.principal;
  }

  /**
   * The user behind a session as loaded with it (at most `cacheMs` old on this node; local changes to the
   * user evict it at once), so that reading one's own profile costs no database round trip.
   */
  async userOf(principal: SessionPrincipal): Promise<UsersTable> {
    const hash = this.#hashById.get(principal.sessionId);
    const cached = hash === undefined ? undefined : this.#cache.get(hash);
    if (cached && this.#now() - cached.fetchedAt <= this.#cacheMs) return cached.user;
    const user = await this.#users.findById(principal.userId);
    if (!user) throw new AppError('UNAUTHENTICATED');
    return user;
  }

  /** Forgets cached sessions of a user whose record changed, so the next request re-reads both. */
  forgetUser(userId: string): void {
    for (const [hash, e] of this.#cache) if (e.row.user_id === userId) this.#evict(hash);
  }

  async #load(hash: string, now: number): Promise<CacheEntry> {
    const row = await this.#repo.findByTokenHash(hash);
    if (!row || row.revoked_at !== null) {
      this.#evict(hash);
      throw new AppError('UNAUTHENTICATED');
    }
    const user = await this.#users.findById(row.user_id);
    if (!user || user.status === 'disabled') throw new AppError('UNAUTHENTICATED');
    const entry: CacheEntry = { row, user, principal: principalOf(row, user), fetchedAt: now };
    if (this.#cacheMs > 0) {
      if (this.#cache.size > 100_000) this.#cache.clear();
      this.#cache.set(hash, entry);
      this.#hashById.set(row.id, hash);
    }
    return entry;
  }

  async #expire(row: SessionsTable, reason: string): Promise<void> {
    const ended = await this.#repo.revoke({ id: row.id }, reason, this.#now());
    this.#evictId(row.id);
    if (ended.length > 0) {
      await this.#audit.record({
        actorUserId: row.user_id,
        sessionId: row.id,
        interface: row.interface,
        name: 'session.expired',
        outcome: 'info',
        reason,
      });
    }
  }

  /** New token for the same session (assurance change); the old token dies at once. */
  async rotate(sessionId: string, factors: FactorUse[], aal: number, ctx: AuditContext): Promise<string> {
    const token = newToken();
    this.#evictId(sessionId);
    await this.#repo.rotate(sessionId, sha256Hex(token), aal, JSON.stringify(factors), this.#now());
    await this.#audit.record({
      ...ctx,
      sessionId,
      name: 'session.rotated',
      outcome: 'success',
      data: { aal },
    });
    return token;
  }

  /** Ends every session of a device at once (the device was revoked). */
  async revokeForDevice(deviceId: string, reason: string, ctx: AuditContext): Promise<number> {
    const ended = await this.#repo.revoke({ deviceId }, reason, this.#now());
    for (const r of ended) this.#evictId(r.id);
    for (const r of ended) {
      await this.#audit.record({
        ...ctx,
        name: 'session.revoked',
        outcome: 'success',
        reason,
        subjectUserId: r.user_id,
        data: { revokedSessionId: r.id, count: 1, deviceId },
      });
    }
    return ended.length;
  }

  /**
   * Step-up: adds the factor uses to the session, sets the recomputed level
   * (never lower than before) and rotates the token; the old token dies at once.
   */
  async stepUp(
    sessionId: string,
    used: FactorUse[],
    computeLevel: (factors: FactorUse[]) => number,
    ctx: AuditContext,
  ): Promise<{ token: string; aal: number; session: SessionView }> {
    const row = await this.#repo.findById(sessionId);
    if (!row || row.revoked_at !== null) throw new AppError('UNAUTHENTICATED');
    const factors = [...(JSON.parse(row.factors) as FactorUse[]), ...used].slice(-20);
    const aal = Math.max(row.aal, computeLevel(factors));
    const token = await this.rotate(sessionId, factors, aal, ctx);
    return { token, aal, session: this.#view({ ...row, aal }, sessionId) };
  }

  async list(userId: string | undefined, currentSessionId?: string): Promise<SessionView[]> {
    const now = this.#now();
    const rows = await this.#repo.listActive(userId, now);
    return rows
      .filter((r) => now - r.last_seen_at < (this.#policies[r.interface as Interface]?.idleMs ?? 0))
      .map((r) => this.#view(r, currentSessionId));
  }

  /** Ends one session. A non-admin may only end their own. */
  async revoke(
    sessionId: string,
    actor: { userId: string; isAdmin: boolean },
    reason: string,
    ctx: AuditContext,
  ): Promise<void> {
    const row = await this.#repo.findById(sessionId);
    if (!row || row.revoked_at !== null || (!actor.isAdmin && row.user_id !== actor.userId)) {
      throw new AppError('SESSION_NOT_FOUND');
    }
    await this.#repo.revoke({ id: sessionId }, reason, this.#now());
    this.#evictId(sessionId);
    await this.#audit.record({
      ...ctx,
      name: 'session.revoked',
      outcome: 'success',
      reason,
      subjectUserId: row.user_id,
      data: { revokedSessionId: sessionId, count: 1 },
    });
  }

  async revokeAllForUser(
    userId: string,
    reason: string,
    ctx: AuditContext,
    exceptSessionId?: string,
  ): Promise<number> {
    const ended = await this.#repo.revoke(
      { userId, ...(exceptSessionId ? { exceptId: exceptSessionId } : {}) },
      reason,
      this.#now(),
    );
    for (const r of ended) this.#evictId(r.id);
    await this.#audit.record({
      ...ctx,
      name: 'session.revoked',
      outcome: 'success',
      reason,
      subjectUserId: userId,
      data: { scope: 'all', count: ended.length, keptCurrent: Boolean(exceptSessionId) },
    });
    return ended.length;
  }

  #evict(hash: string): void {
    const e = this.#cache.get(hash);
    if (e) this.#hashById.delete(e.row.id);
    this.#cache.delete(hash);
  }

  #evictId(id: string): void {
    const hash = this.#hashById.get(id);
    if (hash) this.#evict(hash);
  }

  #view(r: SessionsTable, currentId?: string): SessionView {
    const policy = this.#policies[r.interface as Interface];
    const idleEnd = r.last_seen_at + (policy?.idleMs ?? 0);
    return {
      id: r.id,
      interface: r.interface,
      deviceId: r.device_id,
      ip: r.ip,
      userAgent: r.user_agent,
      aal: r.aal,
      createdAt: new Date(r.created_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      expiresAt: new Date(Math.min(idleEnd, r.absolute_expires_at)).toISOString(),
      current: r.id === currentId,
    };
  }
}

function principalOf(row: SessionsTable, user: UsersTable): SessionPrincipal {
  const factors = (JSON.parse(row.factors) as FactorUse[]).map((f) => Object.freeze(f));
  return Object.freeze({
    kind: 'session',
    userId: row.user_id,
    sessionId: row.id,
    interface: row.interface as Interface,
    deviceId: row.device_id,
    aal: row.aal,
    factors: Object.freeze(factors) as FactorUse[],
    isAdmin: user.is_admin === 1,
    createdAt: row.created_at,
  });
}
