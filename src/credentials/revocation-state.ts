import type { CredentialRepository } from './repository.ts';

/** Rows changed up to this long before the last sync are read again (clock differences between nodes). */
const WATERMARK_SLACK_MS = 60_000;

/**
 * What every node must know to verify a delegated token without a database
 * round trip: each account's credential epoch and the ids of individually
 * revoked tokens. A node re-reads both at most every `cacheMs` (one query for
 * epochs changed since its watermark, one for live revoked ids), sharing one
 * in-flight refresh among concurrent requests; changes made on this node apply
 * at once. So a revocation or kill switch on another node takes effect here
 * within `cacheMs` plus one query (docs/decisions/0032).
 *
 * Fail closed: when the state is older than `staleAfterMs` (the database is
 * unreachable), `currentEpoch` answers undefined and tokens are refused.
 */
export class RevocationState {
  readonly #repo: CredentialRepository;
  readonly #cacheMs: number;
  readonly #staleAfterMs: number;
  readonly #now: () => number;
  readonly #epochs = new Map<string, number>();
  #revoked = new Set<string>();
  #syncedAt = Number.NEGATIVE_INFINITY;
  #watermark = 0;
  #inflight: Promise<void> | undefined;

  constructor(deps: { repo: CredentialRepository; cacheMs: number; now: () => number }) {
    this.#repo = deps.repo;
    this.#cacheMs = deps.cacheMs;
    this.#staleAfterMs = Math.max(10_000, 10 * deps.cacheMs);
    this.#now = deps.now;
  }

  /** Re-reads the state when it is older than the cache bound (or always with `force`). */
  async fresh(force = false): Promise<void> {
    if (!force && this.#now() - this.#syncedAt < this.#cacheMs && this.#cacheMs > 0) return;
    this.#inflight ??= this.#sync().finally(() => {
      this.#inflight = undefined;
    });
    await this.#inflight;
  }

  async #sync(): Promise<void> {
    const startedAt = this.#now();
    const rows = await this.#repo.epochsChangedSince(this.#watermark - WATERMARK_SLACK_MS);
    for (const r of rows) {
      const epoch = Number(r.epoch);
      if (epoch > (this.#epochs.get(r.account_id) ?? 0)) this.#epochs.set(r.account_id, epoch);
      this.#watermark = Math.max(this.#watermark, Number(r.updated_at));
    }
    this.#revoked = new Set((await this.#repo.revokedTokenIds(startedAt)).map((r) => r.id));
    this.#syncedAt = startedAt;
  }

  /** The account's epoch (0 until first bumped), or undefined when the state is too old to trust. */
  currentEpoch = (accountId: string): number | undefined => {
    if (this.#now() - this.#syncedAt > this.#staleAfterMs) return undefined;
    return this.#epochs.get(accountId) ?? 0;
  };

  isRevoked = (tokenId: string): boolean => this.#revoked.has(tokenId);

  /** Bumps the account's epoch in the database and applies it on this node at once. */
  async bump(accountId: string): Promise<number> {
    const epoch = await this.#repo.bumpEpoch(accountId, this.#now());
    if (epoch > (this.#epochs.get(accountId) ?? 0)) this.#epochs.set(accountId, epoch);
    return epoch;
  }

  markRevoked(tokenId: string): void {
    this.#revoked.add(tokenId);
  }
}
