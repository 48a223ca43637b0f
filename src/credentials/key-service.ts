import { randomBytes } from 'node:crypto';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { KeyRing } from '../store/envelope.ts';
import { newId } from '../store/ids.ts';
import { compileConstraints } from './constraints.ts';
import type { KeyCache } from './key-cache.ts';
import { lifetimeOf, secretAad } from './key-cache.ts';
import { DEFAULT_GRACE_MS, resolveExpiry, rotateSecret, secretStatus } from './lifetime.ts';
import { refusalError } from './refusal-error.ts';
import type { CredentialRepository } from './repository.ts';
import { parseScopes } from './scopes.ts';
import { prepareEd25519PublicKey } from './signing.ts';
import type { ApiKeySecretsTable, ApiKeysTable } from './tables.ts';

export interface NewKeyInput {
  name: string;
  kind: 'hmac' | 'ed25519';
  scopes: readonly string[];
  constraints: unknown;
  /** Unix ms; omitted = the default lifetime. */
  expiresAt?: number | undefined;
  /** SPKI PEM, for Ed25519 keys. */
  publicKey?: string | undefined;
}

export interface RotateInput {
  publicKey?: string | undefined;
  expiresAt?: number | undefined;
  graceMs?: number | undefined;
}

export interface ApiKeyView {
  id: string;
  name: string;
  kind: 'hmac' | 'ed25519';
  scopes: string[];
  constraints: unknown;
  status: 'active' | 'suspended' | 'revoked' | 'expired';
  statusReason: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  useCount: number;
  deniedCount: number;
  secrets: { id: string; createdAt: string; expiresAt: string; status: string; graceUntil: string | null }[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * The life of API keys: creation (HMAC secret shown once and sealed at rest,
 * or an Ed25519 public key), rotation with a grace window, revocation,
 * suspension by the kill switch and resumption, and the owner's listing with
 * last use and counters. Authorisation (fresh AAL2 session) is the route's job.
 */
export class ApiKeyService {
  readonly #repo: CredentialRepository;
  readonly #cache: KeyCache;
  readonly #keyRing: KeyRing;
  readonly #audit: AuditTrail;
  readonly #now: () => number;

  constructor(deps: {
    repo: CredentialRepository;
    cache: KeyCache;
    keyRing: KeyRing;
    audit: AuditTrail;
    now: () => number;
  }) {
    this.#repo = deps.repo;
    this.#cache = deps.cache;
    this.#keyRing = deps.keyRing;
    this.#audit = deps.audit;
    this.#now = deps.now;
  }

  async create(
    userId: string,
    input: NewKeyInput,
    ctx: AuditContext,
  ): Promise<{ key: ApiKeyView; secret?: string }> {
    const now = this.#now();
    const scopes = parseScopes(input.scopes);
    if (!scopes.ok) throw refusalError(scopes);
    const compiled = compileConstraints(input.constraints);
    if (!compiled.ok) throw refusalError(compiled);
    const source = compiled.constraints.source;
    const expiry = resolveExpiry({
      now,
      requestedExpiresAt: input.expiresAt,
      scopes: scopes.scopes,
      constraints: source,
    });
    if (!expiry.ok) throw refusalError(expiry);
    const id = `pk_${source.environment}_${randomBytes(16).toString('base64url')}`;
    const { secretRow, secret } = this.#newSecret(id, input.kind, input.publicKey, now, expiry.expiresAt);
    const row: ApiKeysTable = {
      id,
      user_id: userId,
      name: input.name,
      kind: input.kind,
      scopes: JSON.stringify(scopes.scopes),
      constraints: JSON.stringify(source),
      status: 'active',
      status_reason: null,
      created_at: now,
      expires_at: expiry.expiresAt,
      revoked_at: null,
      last_used_at: null,
      last_used_ip: null,
      use_count: 0,
      denied_count: 0,
      updated_at: now,
    };
    await this.#repo.insertKey(row, secretRow, source.accounts);
    await this.#audit.record({
      ...ctx,
      name: 'api_key.created',
      outcome: 'success',
      subjectUserId: userId,
      data: { keyId: id, kind: input.kind, scopes: scopes.scopes.join(' '), environment: source.environment },
    });
    const key = this.#view(row, [secretRow], now);
    return secret === undefined ? { key } : { key, secret };
  }

  #newSecret(
    keyId: string,
    kind: 'hmac' | 'ed25519',
    publicKey: string | undefined,
    now: number,
    expiresAt: number,
  ) {
    const id = newId('sec');
    const base = {
      id,
      key_id: keyId,
      created_at: now,
      expires_at: expiresAt,
      rotated_at: null,
      grace_until: null,
      revoked_at: null,
    };
    if (kind === 'hmac') {
      if (publicKey !== undefined)
        throw new AppError('PUBLIC_KEY_INVALID', { details: { reason: 'HMAC keys take no public key' } });
      const secret = `pcs_${randomBytes(32).toString('base64url')}`;
      const secretRow: ApiKeySecretsTable = {
        ...base,
        sealed_secret: this.#keyRing.seal(secret, secretAad(id)),
        public_key: null,
      };
      return { secretRow, secret };
    }
    try {
      prepareEd25519PublicKey(publicKey ?? '');
    } catch {
      throw new AppError('PUBLIC_KEY_INVALID');
    }
    const secretRow: ApiKeySecretsTable = { ...base, sealed_secret: null, public_key: publicKey!.trim() };
    return { secretRow, secret: undefined };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    await this.#cache.flush();
    const now = this.#now();
    const rows = await this.#repo.listKeys(userId);
    return Promise.all(rows.map(async (r) => this.#view(r, await this.#repo.secretsOf(r.id), now)));
  }

  async get(userId: string, keyId: string): Promise<ApiKeyView> {
    await this.#cache.flush();
    const row = await this.#owned(userId, keyId);
    return this.#view(row, await this.#repo.secretsOf(keyId), this.#now());
  }

  async #owned(userId: string, keyId: string): Promise<ApiKeysTable> {
    const row = await this.#repo.findKey(keyId);
    if (!row || row.user_id !== userId) throw new AppError('API_KEY_NOT_FOUND');
    return row;
  }

  /** A new secret; the current one keeps working for the grace window (default 24 h). */
  async rotate(
    userId: string,
    keyId: string,
    input: RotateInput,
    ctx: AuditContext,
  ): Promise<{ key: ApiKeyView; secret?: string }> {
    const now = this.#now();
    const row = await this.#owned(userId, keyId);
    if (row.status === 'revoked' || now >= Number(row.expires_at)) throw new AppError('API_KEY_NOT_ACTIVE');
    const scopes = JSON.parse(row.scopes) as string[];
    const constraints = JSON.parse(row.constraints);
    const expiry = resolveExpiry({ now, requestedExpiresAt: input.expiresAt, scopes, constraints });
    if (!expiry.ok) throw refusalError(expiry);
    const graceMs = input.graceMs ?? DEFAULT_GRACE_MS;
    const current = (await this.#repo.secretsOf(keyId)).find((s) => s.rotated_at === null);
    const graceUntil = current ? rotateSecret(lifetimeOf(current), now, graceMs).graceUntil! : now;
    const { secretRow, secret } = this.#newSecret(keyId, row.kind, input.publicKey, now, expiry.expiresAt);
    await this.#repo.rotate(keyId, secretRow, now, graceUntil);
    this.#cache.evict(keyId);
    await this.#audit.record({
      ...ctx,
      name: 'api_key.rotated',
      outcome: 'success',
      subjectUserId: userId,
      data: { keyId, graceUntil: new Date(graceUntil).toISOString() },
    });
    const key = await this.get(userId, keyId);
    return secret === undefined ? { key } : { key, secret };
  }

  async revoke(userId: string, keyId: string, reason: string, ctx: AuditContext): Promise<void> {
    const row = await this.#owned(userId, keyId);
    if (row.status === 'revoked') return;
    await this.#repo.setStatus(keyId, 'revoked', reason, this.#now());
    this.#cache.evict(keyId);
    await this.#audit.record({
      ...ctx,
      name: 'api_key.revoked',
      outcome: 'success',
      reason,
      subjectUserId: userId,
      data: { keyId },
    });
  }

  /** The per-key kill switch, and the account kill switch for every key covering the account. */
  async suspend(keyId: string, reason: string, ctx: AuditContext): Promise<void> {
    const row = await this.#repo.findKey(keyId);
    if (row?.status !== 'active') return;
    await this.#repo.setStatus(keyId, 'suspended', reason, this.#now());
    this.#cache.evict(keyId);
    await this.#audit.record({
      ...ctx,
      name: 'api_key.suspended',
      outcome: 'success',
      reason,
      subjectUserId: row.user_id,
      data: { keyId },
    });
  }

  async suspendOwned(userId: string, keyId: string, reason: string, ctx: AuditContext): Promise<void> {
    await this.#owned(userId, keyId);
    await this.suspend(keyId, reason, ctx);
  }

  async suspendForAccount(accountId: string, reason: string, ctx: AuditContext): Promise<number> {
    const keys = await this.#repo.activeKeysForAccount(accountId);
    for (const k of keys) await this.suspend(k.id, reason, ctx);
    return keys.length;
  }

  async resume(userId: string, keyId: string, ctx: AuditContext): Promise<ApiKeyView> {
    const row = await this.#owned(userId, keyId);
    if (row.status !== 'suspended') throw new AppError('API_KEY_NOT_ACTIVE');
    await this.#repo.setStatus(keyId, 'active', null, this.#now());
    this.#cache.evict(keyId);
    await this.#audit.record({
      ...ctx,
      name: 'api_key.resumed',
      outcome: 'success',
      subjectUserId: userId,
      data: { keyId },
    });
    return this.get(userId, keyId);
  }

  #view(r: ApiKeysTable, secrets: ApiKeySecretsTable[], now: number): ApiKeyView {
    const expired = r.status !== 'revoked' && now >= Number(r.expires_at);
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      scopes: JSON.parse(r.scopes) as string[],
      constraints: JSON.parse(r.constraints),
      status: expired ? 'expired' : r.status,
      statusReason: r.status_reason,
      createdAt: iso(r.created_at)!,
      expiresAt: iso(r.expires_at)!,
      lastUsedAt: iso(r.last_used_at),
      lastUsedIp: r.last_used_ip,
      useCount: Number(r.use_count),
      deniedCount: Number(r.denied_count),
      secrets: secrets.map((s) => ({
        id: s.id,
        createdAt: iso(s.created_at)!,
        expiresAt: iso(s.expires_at)!,
        status: secretStatus(lifetimeOf(s), now),
        graceUntil: iso(s.grace_until),
      })),
    };
  }
}
