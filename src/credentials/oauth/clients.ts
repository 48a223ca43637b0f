import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditContext, AuditTrail } from '../../audit/index.ts';
import { AppError } from '../../errors/index.ts';
import type { Database } from '../../store/schema.ts';
import type { OauthGrants } from './grants.ts';
import type { OauthProvider } from './provider.ts';

export const CLIENT_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface NewOauthClient {
  clientId: string;
  name: string;
  redirectUris: readonly string[];
  /** A public app (a native or browser app) holds no secret: PKCE alone binds its code. */
  public: boolean;
}

export interface OauthClientView {
  clientId: string;
  name: string;
  redirectUris: string[];
  kind: 'public' | 'confidential';
}

/**
 * Third-party apps, registered by an operator (`portcullis app add`): exact
 * redirect URIs, https except on a loopback address (RFC 8252), no fragments.
 * A confidential app gets a generated secret, shown once and kept sealed
 * (the OAuth store seals `client_secret`); a public one authenticates with
 * PKCE alone. Rotating replaces a confidential app's secret at once. Removing
 * an app revokes every grant people gave it.
 */
export class OauthClients {
  readonly #db: Kysely<Database>;
  readonly #oauth: OauthProvider;
  readonly #grants: OauthGrants;
  readonly #audit: AuditTrail;

  constructor(deps: { db: Kysely<Database>; oauth: OauthProvider; grants: OauthGrants; audit: AuditTrail }) {
    this.#db = deps.db;
    this.#oauth = deps.oauth;
    this.#grants = deps.grants;
    this.#audit = deps.audit;
  }

  async register(
    input: NewOauthClient,
    ctx: AuditContext,
  ): Promise<{ client: OauthClientView; secret?: string }> {
    const issues = validate(input);
    if (issues.length > 0) throw new AppError('VALIDATION_FAILED', { details: { issues } });
    if (await this.#find(input.clientId)) throw new AppError('OAUTH_CLIENT_EXISTS');
    const secret = input.public ? undefined : newClientSecret();
    await this.#oauth.registerClient({
      client_id: input.clientId,
      client_name: input.name,
      redirect_uris: [...input.redirectUris],
      ...(secret === undefined ? { token_endpoint_auth_method: 'none' } : { client_secret: secret }),
    });
    await this.#audit.record({
      ...ctx,
      name: 'oauth_client.registered',
      outcome: 'success',
      data: { clientId: input.clientId, kind: secret === undefined ? 'public' : 'confidential' },
    });
    const client = (await this.#find(input.clientId))!;
    return secret === undefined ? { client } : { client, secret };
  }

  async list(): Promise<OauthClientView[]> {
    const rows = await this.#db
      .selectFrom('oauth_store')
      .select(['id', 'payload'])
      .where('model', '=', 'Client')
      .orderBy('id')
      .execute();
    return rows.map((r) => view(r.id, JSON.parse(r.payload) as Record<string, unknown>));
  }

  /**
   * A new secret for a confidential app, shown once; the old one stops working at
   * once (the app's grants and tokens are untouched).
   */
  async rotateSecret(
    clientId: string,
    ctx: AuditContext,
  ): Promise<{ client: OauthClientView; secret: string }> {
    const client = await this.#find(clientId);
    if (!client) throw new AppError('OAUTH_CLIENT_NOT_FOUND');
    if (client.kind === 'public') throw new AppError('OAUTH_CLIENT_PUBLIC');
    const secret = newClientSecret();
    await this.#oauth.registerClient({
      client_id: clientId,
      client_name: client.name,
      redirect_uris: client.redirectUris,
      client_secret: secret,
    });
    await this.#audit.record({
      ...ctx,
      name: 'oauth_client.secret_rotated',
      outcome: 'success',
      data: { clientId },
    });
    return { client, secret };
  }

  /** Removes the app and revokes every grant given to it; answers how many grants died. */
  async remove(clientId: string, ctx: AuditContext): Promise<number> {
    if (!(await this.#find(clientId))) throw new AppError('OAUTH_CLIENT_NOT_FOUND');
    const revoked = await this.#grants.revokeForClient(clientId, ctx);
    await this.#db
      .deleteFrom('oauth_store')
      .where('model', '=', 'Client')
      .where('id', '=', clientId)
      .execute();
    await this.#audit.record({
      ...ctx,
      name: 'oauth_client.removed',
      outcome: 'success',
      data: { clientId, grantsRevoked: revoked },
    });
    return revoked;
  }

  async #find(clientId: string): Promise<OauthClientView | undefined> {
    const row = await this.#db
      .selectFrom('oauth_store')
      .select(['id', 'payload'])
      .where('model', '=', 'Client')
      .where('id', '=', clientId)
      .executeTakeFirst();
    return row ? view(row.id, JSON.parse(row.payload) as Record<string, unknown>) : undefined;
  }
}

/** 256 random bits, shown once and stored sealed. */
function newClientSecret(): string {
  return `pca_${randomBytes(32).toString('base64url')}`;
}

function view(id: string, payload: Record<string, unknown>): OauthClientView {
  return {
    clientId: id,
    name: typeof payload['client_name'] === 'string' ? payload['client_name'] : id,
    redirectUris: Array.isArray(payload['redirect_uris']) ? (payload['redirect_uris'] as string[]) : [],
    kind: payload['token_endpoint_auth_method'] === 'none' ? 'public' : 'confidential',
  };
}

function validate(input: NewOauthClient): { in: string; path: string; message: string }[] {
  const issues: { in: string; path: string; message: string }[] = [];
  const issue = (path: string, message: string) => issues.push({ in: 'body', path, message });
  if (!CLIENT_ID_PATTERN.test(input.clientId))
    issue('/clientId', '3 to 64 characters: lower-case letters, digits, ".", "_" and "-"');
  if (input.name.trim().length === 0 || input.name.length > 100) issue('/name', '1 to 100 characters');
  if (input.redirectUris.length === 0) issue('/redirectUris', 'at least one redirect URI');
  input.redirectUris.forEach((uri, i) => {
    const problem = redirectProblem(uri);
    if (problem) issue(`/redirectUris/${i}`, problem);
  });
  return issues;
}

function redirectProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not an absolute URL';
  }
  if (url.hash !== '' || uri.includes('#')) return 'a redirect URI has no fragment';
  if (url.username !== '' || url.password !== '') return 'a redirect URI carries no credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return null;
  return 'https, or http on a loopback address (127.0.0.1, [::1], localhost)';
}
