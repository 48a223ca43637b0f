import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALL_DBS } from '../../test/support/databases.ts';
import { DeviceRepository } from '../devices/repository.ts';
import { SessionRepository } from '../sessions/repository.ts';
import { KeyRing } from '../store/envelope.ts';
import { migrateToLatest, type Store } from '../store/index.ts';
import { FactorStore } from './factor-store.ts';
import type { StoredFactor } from './factors/types.ts';
import { PushRepository } from './push/repository.ts';

const ring = new KeyRing([{ kid: 'k1', key: Buffer.alloc(32, 3) }]);

const factor = (id: string, userId: string): StoredFactor => ({
  id,
  userId,
  method: 'totp',
  label: 'app',
  status: 'active',
  createdAt: 1,
  confirmedAt: 2,
  lastUsedAt: null,
  removedAt: null,
  data: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', lastCounter: null },
});

for (const db of ALL_DBS) {
  describe(`authn storage contract on ${db.kind}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    before(async () => {
      ({ store, drop } = await db.open());
      await migrateToLatest(store.db);
      for (const id of ['usr_a', 'usr_b']) {
        await store.db
          .insertInto('users')
          .values({
            id,
            login_name: id,
            email: null,
            phone: null,
            display_name: id,
            status: 'active',
            is_admin: 0,
            password_hash: null,
            password_changed_at: null,
            locked_reason: null,
            created_at: 1,
            updated_at: 1,
          })
          .execute();
      }
    });
    after(() => drop());

    it('factor data is sealed at rest, bound to its row, and updated by compare-and-set', async () => {
      const factors = new FactorStore(store.db, ring);
      await factors.insert(factor('fct_a', 'usr_a'));
      await factors.insert(factor('fct_b', 'usr_a'));
      const raw = await store.db.selectFrom('authn_factors').selectAll().orderBy('id').execute();
      assert.ok(raw.every((r) => !r.sealed_data.includes('JBSWY3DP')));
      const loaded = (await factors.find('fct_a'))!;
      assert.equal((loaded.data as { secret: string }).secret, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
      const next = { ...loaded, data: { ...(loaded.data as object), lastCounter: 7 } };
      const [first, second] = await Promise.all([factors.update(next), factors.update(next)]);
      assert.equal(Number(first) + Number(second), 1, 'exactly one concurrent use wins');
      await store.db
        .updateTable('authn_factors')
        .set({ sealed_data: raw[0]!.sealed_data })
        .where('id', '=', 'fct_b')
        .execute();
      await assert.rejects(factors.find('fct_b'), 'a sealed value moved to another row does not open');
    });

    it('an enrolment code is claimed once; a revoked device stays revoked', async () => {
      const devices = new DeviceRepository(store.db);
      await devices.insertEnrollment({
        id: 'enr_1',
        user_id: 'usr_a',
        kind: 'mobile',
        code_hash: 'h1',
        created_at: 1,
        expires_at: 10,
        used_at: null,
        device_id: null,
      });
      const claims = await Promise.all([
        devices.claimEnrollment('enr_1', 'dev_1', 2),
        devices.claimEnrollment('enr_1', 'dev_2', 2),
      ]);
      assert.deepEqual(claims.sort(), [false, true]);
      await devices.insert({
        id: 'dev_1',
        user_id: 'usr_a',
        kind: 'mobile',
        name: 'Phone',
        state: 'trusted',
        cookie_hash: null,
        key_id: 'k',
        public_key_pem: 'pem',
        algorithm: 'P-256',
        remembered_until: null,
        created_at: 1,
        last_seen_at: 1,
        revoked_at: null,
        revoked_reason: null,
      });
      assert.equal(await devices.revoke('dev_1', 'lost', 3), true);
      assert.equal(await devices.revoke('dev_1', 'lost', 4), false);
      assert.equal(
        await devices.findByKeyId('usr_a', 'k'),
        undefined,
        'a revoked key is never found for sign-in',
      );
    });

    it('revoking by device ends exactly that device’s live sessions', async () => {
      const sessions = new SessionRepository(store.db);
      const base = {
        user_id: 'usr_a',
        interface: 'mobile',
        ip: '::1',
        user_agent: 'x',
        aal: 2,
        factors: '[]',
        created_at: 1,
        last_seen_at: 1,
        absolute_expires_at: 99,
        revoked_at: null,
        revoked_reason: null,
      };
      await sessions.insert({ ...base, id: 'ses_1', token_hash: 't1', device_id: 'dev_1' });
      await sessions.insert({ ...base, id: 'ses_2', token_hash: 't2', device_id: 'dev_2' });
      const ended = await sessions.revoke({ deviceId: 'dev_1' }, 'device_revoked', 5);
      assert.deepEqual(
        ended.map((r) => r.id),
        ['ses_1'],
      );
    });

    it('a push challenge is decided once, and the pepper secret is written by the first writer only', async () => {
      const push = new PushRepository(store.db);
      await push.insert({
        id: 'ch1',
        user_id: 'usr_a',
        purpose: 'login',
        flow_id: null,
        number: 42,
        choices: '[42,13,77]',
        words: 'Sign in',
        context: '{}',
        status: 'pending',
        decided_by_device: null,
        created_at: 1,
        expires_at: 61,
        decided_at: null,
      });
      const decided = await Promise.all([
        push.decide('ch1', 'approved', 'dev_1', 2),
        push.decide('ch1', 'denied', 'dev_1', 2),
      ]);
      assert.deepEqual(decided.sort(), [false, true]);
      assert.equal((await push.pendingForUser('usr_a', 3)).length, 0);
      const [a, b] = await Promise.all([
        push.putSecretOnce('pepper', 'one', 1),
        push.putSecretOnce('pepper', 'two', 1),
      ]);
      assert.equal(a, b);
      await push.insertAlert({
        id: 'alr_1',
        user_id: 'usr_b',
        kind: 'k',
        title: 't',
        body: 'b',
        data: '{}',
        created_at: 1,
        read_at: null,
      });
      assert.equal((await push.alerts('usr_a')).length, 0, 'alerts are per user');
    });
  });
}
