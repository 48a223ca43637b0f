import type { Kysely } from 'kysely';
import type { AuditContext, AuditTrail } from '../../audit/index.ts';
import { AppError } from '../../errors/index.ts';
import type { Database } from '../../store/schema.ts';
import type { OauthConsent, OauthProvider } from './provider.ts';

export interface OauthGrantView {
  id: string;
  clientId: string;
  scopes: string[];
  accounts: string[];
  createdAt: string;
}

/** The apps a person has connected, and disconnecting one (every token of the grant dies at once). */
export class OauthGrants {
  readonly #db: Kysely<Database>;
  readonly #oauth: OauthProvider;
  readonly #audit: AuditTrail;

  constructor(deps: { db: Kysely<Database>; oauth: OauthProvider; audit: AuditTrail }) {
    this.#db = deps.db;
    this.#oauth = deps.oauth;
    this.#audit = deps.audit;
  }

  async list(userId: string): Promise<OauthGrantView[]> {
    const rows = await this.#db
      .selectFrom('oauth_store')
      .select(['id', 'payload'])
      .where('model', '=', 'PcConsent')
      .where('uid', '=', userId)
      .execute();
    return rows.map((r) => {
      const c = JSON.parse(r.payload) as OauthConsent;
      return {
        id: r.id,
        clientId: c.clientId,
        scopes: c.scopes,
        accounts: c.accounts,
        createdAt: new Date(c.createdAt).toISOString(),
      };
    });
  }

  /** The kill switch: every app's access to the account ends at once (its grants are revoked). */
  revokeForAccount(accountId: string, ctx: AuditContext): Promise<number> {
    return this.#revokeWhere(accountId, (c) => c.accounts.includes(accountId), ctx);
  }

  /** A removed app: every grant people gave it is revoked. */
  revokeForClient(clientId: string, ctx: AuditContext): Promise<number> {
    return this.#revokeWhere(clientId, (c) => c.clientId === clientId, ctx);
  }

  /** Revokes the grants whose consent mentions `value` (a cheap pre-filter) and passes `match`. */
  async #revokeWhere(value: string, match: (c: OauthConsent) => boolean, ctx: AuditContext): Promise<number> {
    const rows = await this.#db
      .selectFrom('oauth_store')
      .select(['id', 'payload'])
      .where('model', '=', 'PcConsent')
      .where('payload', 'like', `%${JSON.stringify(value)}%`)
      .execute();
    const covering = rows
      .map((r) => ({ id: r.id, consent: JSON.parse(r.payload) as OauthConsent }))
      .filter((r) => match(r.consent));
    for (const r of covering) await this.revoke(r.consent.uid, r.id, ctx);
    return covering.length;
  }

  async revoke(userId: string, grantId: string, ctx: AuditContext): Promise<void> {
    const consent = await this.#oauth.consents.find(grantId);
    if (!consent || consent.uid !== userId) throw new AppError('OAUTH_GRANT_NOT_FOUND');
    await this.#oauth.consents.revokeByGrantId(grantId);
    await this.#oauth.consents.destroy(grantId);
    await this.#db.deleteFrom('oauth_store').where('model', '=', 'Grant').where('id', '=', grantId).execute();
    await this.#audit.record({
      ...ctx,
      name: 'oauth_grant.revoked',
      outcome: 'success',
      subjectUserId: userId,
      data: { grantId, clientId: consent.clientId },
    });
  }
}
