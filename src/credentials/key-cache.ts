import type { KeyRing } from '../store/envelope.ts';
import type { CompiledConstraints } from './constraints.ts';
import { compileConstraints } from './constraints.ts';
import type { SecretLifetime } from './lifetime.ts';
import type { CredentialRepository } from './repository.ts';
import { prepareEd25519PublicKey, prepareHmacKey, type VerificationKey } from './signing.ts';
import type { ApiKeySecretsTable, ApiKeysTable } from './tables.ts';

/** A key as the order path needs it: prepared `KeyObject`s, compiled constraints, lifetimes. */
export interface LoadedKey {
  row: ApiKeysTable;
  scopes: readonly string[];
  constraints: CompiledConstraints;
  secrets: readonly { id: string; lifetime: SecretLifetime; verification: VerificationKey }[];
}

interface Entry {
  key: LoadedKey | null;
  loadedAt: number;
}

interface Usage {
  uses: number;
  denied: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
}

export function secretAad(secretId: string): string {
  return `api_key_secret:${secretId}`;
}

export function lifetimeOf(s: ApiKeySecretsTable): SecretLifetime {
  return {
    expiresAt: Number(s.expires_at),
    rotatedAt: s.rotated_at === null ? null : Number(s.rotated_at),
    graceUntil: s.grace_until === null ? null : Number(s.grace_until),
    revokedAt: s.revoked_at === null ? null : Number(s.revoked_at),
  };
}

/**
 * Loaded keys per node. An entry (also "no such key", so probing unknown ids
 * costs no query) is reused for at most `cacheMs`; a change made on this node
 * evicts at once, so another node lags by at most `cacheMs`. HMAC secrets are
 * opened from their envelope once per load and kept only as `KeyObject`s.
 *
 * Usage (last use, counters) is counted in memory and written at most once
 * per `flushMs` per key, off the request path; `flush()` writes everything.
 */
export class KeyCache {
  readonly #repo: CredentialRepository;
  readonly #keyRing: KeyRing;
  readonly #cacheMs: number;
  readonly #flushMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #usage = new Map<string, Usage>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(deps: {
    repo: CredentialRepository;
    keyRing: KeyRing;
    cacheMs: number;
    flushMs?: number;
    now: () => number;
  }) {
    this.#repo = deps.repo;
    this.#keyRing = deps.keyRing;
    this.#cacheMs = deps.cacheMs;
    this.#flushMs = deps.flushMs ?? 1000;
    this.#now = deps.now;
  }

  async get(keyId: string): Promise<LoadedKey | null> {
    const now = this.#now();
    const cached = this.#entries.get(keyId);
    if (cached && now - cached.loadedAt < this.#cacheMs) return cached.key;
    const key = await this.#load(keyId);
    if (this.#cacheMs > 0) {
      if (this.#entries.size > 100_000) this.#entries.clear();
      this.#entries.set(keyId, { key, loadedAt: now });
    }
    return key;
  }

  evict(keyId: string): void {
    this.#entries.delete(keyId);
  }

  async #load(keyId: string): Promise<LoadedKey | null> {
    const row = await this.#repo.findKey(keyId);
    if (!row) return null;
    const compiled = compileConstraints(JSON.parse(row.constraints));
    if (!compiled.ok) throw new Error(`stored constraints of ${keyId} no longer compile`);
    const secrets = (await this.#repo.secretsOf(keyId)).map((s) => ({
      id: s.id,
      lifetime: lifetimeOf(s),
      verification: this.#prepare(row, s),
    }));
    return { row, scopes: JSON.parse(row.scopes) as string[], constraints: compiled.constraints, secrets };
  }

  #prepare(row: ApiKeysTable, s: ApiKeySecretsTable): VerificationKey {
    if (row.kind === 'hmac') {
      const secret = this.#keyRing.open(s.sealed_secret ?? '', secretAad(s.id));
      try {
        return { kind: 'hmac', key: prepareHmacKey(secret), secretId: s.id };
      } finally {
        secret.fill(0);
      }
    }
    return { kind: 'ed25519', key: prepareEd25519PublicKey(s.public_key ?? ''), secretId: s.id };
  }

  /** Counts one use or one refusal; written to the database later. */
  count(keyId: string, outcome: 'used' | 'denied', ip: string): void {
    let u = this.#usage.get(keyId);
    if (!u) {
      u = { uses: 0, denied: 0, lastUsedAt: null, lastUsedIp: null };
      this.#usage.set(keyId, u);
    }
    if (outcome === 'used') {
      u.uses++;
      u.lastUsedAt = this.#now();
      u.lastUsedIp = ip;
    } else u.denied++;
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      void this.flush().catch(() => {});
    }, this.#flushMs).unref();
  }

  /** Writes the counted usage (the listing calls it first so owners see current numbers). */
  async flush(): Promise<void> {
    const pending = [...this.#usage.entries()];
    this.#usage.clear();
    this.#flushing = this.#flushing
      .catch(() => {})
      .then(async () => {
        for (const [keyId, usage] of pending) await this.#repo.addUsage(keyId, usage);
      });
    await this.#flushing;
  }

  close(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }
}
