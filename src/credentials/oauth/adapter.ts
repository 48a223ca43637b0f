import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { KeyRing } from '../../store/envelope.ts';
import type { Database } from '../../store/schema.ts';

/** Where a registered app's secret is kept in its stored payload: sealed under the key ring. */
const SEALED_SECRET = 'pc_sealed_client_secret';

/** The secret of an app is never stored in the clear: oidc-provider sees it only in memory. */
function sealClient(keyRing: KeyRing, id: string, payload: AdapterPayload): AdapterPayload {
  const secret = payload.client_secret;
  if (typeof secret !== 'string') return payload;
  const { client_secret: _, ...rest } = payload;
  return { ...rest, [SEALED_SECRET]: keyRing.seal(secret, `oauth_client:${id}`) };
}

function openClient(keyRing: KeyRing, id: string, payload: AdapterPayload): AdapterPayload {
  const sealed = payload[SEALED_SECRET];
  if (typeof sealed !== 'string') return payload;
  const { [SEALED_SECRET]: _, ...rest } = payload;
  return { ...rest, client_secret: keyRing.open(sealed, `oauth_client:${id}`).toString('utf8') };
}

/**
 * oidc-provider's storage on our database (SQLite or PostgreSQL): one row per
 * model instance in `oauth_store`, the payload as JSON, indexed by grant id,
 * user code and interaction uid. Expired rows read as absent. A registered
 * app's `client_secret` is sealed under the key ring.
 */
export function kyselyAdapter(db: Kysely<Database>, now: () => number, keyRing: KeyRing) {
  return class KyselyAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const row = {
        model: this.model,
        id,
        payload: JSON.stringify(this.model === 'Client' ? sealClient(keyRing, id, payload) : payload),
        grant_id: payload.grantId ?? null,
        user_code: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expires_at: expiresIn ? now() + expiresIn * 1000 : null,
        consumed_at: null,
      };
      await db
        .insertInto('oauth_store')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['model', 'id']).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            user_code: row.user_code,
            uid: row.uid,
            expires_at: row.expires_at,
          }),
        )
        .execute();
    }

    async #findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
      const row = await db
        .selectFrom('oauth_store')
        .selectAll()
        .where('model', '=', this.model)
        .where(column, '=', value)
        .executeTakeFirst();
      if (!row || (row.expires_at !== null && Number(row.expires_at) <= now())) return undefined;
      const stored = JSON.parse(row.payload) as AdapterPayload;
      const payload = this.model === 'Client' ? openClient(keyRing, row.id, stored) : stored;
      return row.consumed_at === null
        ? payload
        : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) };
    }

    find(id: string) {
      return this.#findBy('id', id);
    }

    findByUid(uid: string) {
      return this.#findBy('uid', uid);
    }

    findByUserCode(userCode: string) {
      return this.#findBy('user_code', userCode);
    }

    async consume(id: string): Promise<void> {
      await db
        .updateTable('oauth_store')
        .set({ consumed_at: now() })
        .where('model', '=', this.model)
        .where('id', '=', id)
        .execute();
    }

    async destroy(id: string): Promise<void> {
      await db.deleteFrom('oauth_store').where('model', '=', this.model).where('id', '=', id).execute();
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.deleteFrom('oauth_store').where('grant_id', '=', grantId).execute();
    }
  };
}
