import { randomBytes } from 'node:crypto';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { KeyRing } from '../store/envelope.ts';
import { DelegatedTokenKeys, mintDelegatedToken } from './delegated-token.ts';
import type { KeyCache } from './key-cache.ts';
import { refusalError } from './refusal-error.ts';
import type { CredentialRepository } from './repository.ts';
import type { RevocationState } from './revocation-state.ts';

export interface MintRequest {
  scopes: readonly string[];
  constraints: unknown;
  ttlSeconds?: number | undefined;
  apiKeyId?: string | undefined;
}

export interface DelegatedTokenView {
  id: string;
  accounts: string[];
  scopes: string[];
  apiKeyId: string | null;
  createdAt: string;
  expiresAt: string;
  revoked: boolean;
}

/** Loads (or creates once, cluster-wide) the token signing key, sealed under the key ring. */
export async function loadTokenKeys(
  repo: CredentialRepository,
  keyRing: KeyRing,
  now: number,
): Promise<DelegatedTokenKeys> {
  const aad = 'credential_server_key:delegated_token';
  const sealed = await repo.serverKey('delegated_token', () => keyRing.seal(randomBytes(32), aad), now);
  return new DelegatedTokenKeys([{ kid: 'dt1', secret: keyRing.open(sealed, aad) }]);
}

/** Minting, listing and revoking delegated tokens (verification lives in the authenticator). */
export class DelegatedTokenService {
  readonly #repo: CredentialRepository;
  readonly #keys: DelegatedTokenKeys;
  readonly #state: RevocationState;
  readonly #cache: KeyCache;
  readonly #audit: AuditTrail;
  readonly #now: () => number;

  constructor(deps: {
    repo: CredentialRepository;
    keys: DelegatedTokenKeys;
    state: RevocationState;
    cache: KeyCache;
    audit: AuditTrail;
    now: () => number;
  }) {
    this.#repo = deps.repo;
    this.#keys = deps.keys;
    this.#state = deps.state;
    this.#cache = deps.cache;
    this.#audit = deps.audit;
    this.#now = deps.now;
  }

  get keys(): DelegatedTokenKeys {
    return this.#keys;
  }

  async mint(
    userId: string,
    input: MintRequest,
    ctx: AuditContext,
  ): Promise<{ token: string; view: DelegatedTokenView }> {
    const now = this.#now();
    const apiKey =
      input.apiKeyId === undefined ? undefined : await this.#boundKey(userId, input.apiKeyId, now);
    await this.#state.fresh(true);
    const minted = mintDelegatedToken(this.#keys, {
      userId,
      scopes: input.scopes,
      constraints: input.constraints,
      ...(apiKey && { apiKey }),
      ...(input.ttlSeconds !== undefined && { ttlMs: input.ttlSeconds * 1000 }),
      now,
      currentEpoch: this.#state.currentEpoch,
    });
    if (!minted.ok) throw refusalError(minted);
    const accounts = (input.constraints as { accounts: string[] }).accounts;
    const row = {
      id: minted.tokenId,
      user_id: userId,
      accounts: JSON.stringify([...new Set(accounts)]),
      scopes: JSON.stringify([...new Set(input.scopes)]),
      api_key_id: apiKey?.id ?? null,
      created_at: now,
      expires_at: minted.expiresAt,
      revoked_at: null,
    };
    await this.#repo.insertToken(row);
    await this.#audit.record({
      ...ctx,
      name: 'delegated_token.minted',
      outcome: 'success',
      subjectUserId: userId,
      data: { credentialId: minted.tokenId, scopes: input.scopes.join(' '), boundKeyId: apiKey?.id ?? null },
    });
    return { token: minted.token, view: view(row) };
  }

  async #boundKey(userId: string, keyId: string, now: number) {
    const key = await this.#cache.get(keyId);
    if (!key || key.row.user_id !== userId) throw new AppError('API_KEY_NOT_FOUND');
    if (key.row.status !== 'active' || now >= Number(key.row.expires_at))
      throw new AppError('API_KEY_NOT_ACTIVE');
    return { id: keyId, scopes: key.scopes };
  }

  async list(userId: string): Promise<DelegatedTokenView[]> {
    return (await this.#repo.listTokens(userId, this.#now())).map(view);
  }

  async revoke(userId: string, tokenId: string, ctx: AuditContext): Promise<void> {
    const row = await this.#repo.findToken(tokenId);
    if (!row || row.user_id !== userId) throw new AppError('DELEGATED_TOKEN_NOT_FOUND');
    if (row.revoked_at !== null) return;
    await this.#repo.revokeToken(tokenId, this.#now());
    this.#state.markRevoked(tokenId);
    await this.#audit.record({
      ...ctx,
      name: 'delegated_token.revoked',
      outcome: 'success',
      subjectUserId: userId,
      data: { credentialId: tokenId },
    });
  }
}

function view(r: {
  id: string;
  accounts: string;
  scopes: string;
  api_key_id: string | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}): DelegatedTokenView {
  return {
    id: r.id,
    accounts: JSON.parse(r.accounts) as string[],
    scopes: JSON.parse(r.scopes) as string[],
    apiKeyId: r.api_key_id,
    createdAt: new Date(Number(r.created_at)).toISOString(),
    expiresAt: new Date(Number(r.expires_at)).toISOString(),
    revoked: r.revoked_at !== null,
  };
}
