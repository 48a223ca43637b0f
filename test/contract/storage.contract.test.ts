import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { AuditTrail } from '../../src/audit/index.ts';
import { FlowRepository } from '../../src/authn/flows/repository.ts';
import { LoginThrottle, UserRepository } from '../../src/identity/index.ts';
import { SessionRepository } from '../../src/sessions/index.ts';
import { migrateToLatest, type Store } from '../../src/store/index.ts';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.ts';
import { ALL_DBS } from '../support/databases.ts';

/** One repository contract, run on every supported database. */
for (const target of ALL_DBS) {
  describe(`storage contract on ${target.kind}`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    before(async () => {
      ({ store, drop } = await target.open());
      assert.deepEqual(await migrateToLatest(store.db), [...MIGRATION_NAMES]);
    });
    after(() => drop());

    test('migrations are idempotent: a second run applies nothing', async () => {
      assert.deepEqual(await migrateToLatest(store.db), []);
    });

    test('users: insert, find by login name or email case-insensitively, unique identifiers', async () => {
      const users = new UserRepository(store.db);
      const row = await users.insert({
        loginName: 'Carol',
        email: 'Carol@Example.com',
        phone: null,
        displayName: 'Carol',
        passwordHash: 'h',
        isAdmin: false,
        now: 1000,
      });
      assert.equal(row.login_name, 'carol');
      assert.equal((await users.findByIdentifier('CAROL'))?.id, row.id);
      assert.equal((await users.findByIdentifier('carol@example.COM'))?.id, row.id);
      await assert.rejects(
        users.insert({
          loginName: 'carol',
          email: null,
          phone: null,
          displayName: 'x',
          passwordHash: 'h',
          isAdmin: false,
          now: 1,
        }),
        (e: Error & { code?: string }) => e.code === 'LOGIN_NAME_TAKEN',
      );
      assert.equal(await users.setStatus(row.id, 'locked', 'r', 2000), true);
      assert.equal((await users.findById(row.id))?.status, 'locked');
      assert.equal(await users.setStatus('usr_missing', 'locked', 'r', 2000), false);
    });

    test('login throttle counts consecutive failures per identifier and resets', async () => {
      const throttle = new LoginThrottle(store.db, { freeFailures: 2, maxFailures: 4, maxDelaySeconds: 60 });
      assert.deepEqual(await throttle.fail('Nobody', 0), { failures: 1, reachedLock: false });
      await throttle.fail('nobody', 0);
      assert.deepEqual(await throttle.state('NOBODY'), { failures: 2, nextAllowedAt: 1000 });
      await throttle.fail('nobody', 0);
      assert.deepEqual(await throttle.fail('nobody', 0), { failures: 4, reachedLock: true });
      await throttle.reset('nobody');
      assert.deepEqual(await throttle.state('nobody'), { failures: 0, nextAllowedAt: 0 });
    });

    test('flows: compare-and-set lets exactly one of two racing steps advance', async () => {
      const flows = new FlowRepository(store.db);
      const base = {
        interface: 'portal',
        purpose: 'login',
        state: 'password',
        user_id: null,
        session_id: null,
        action: null,
        device: null,
        ip: '::1',
        user_agent: 'ua',
        attempts: 0,
        factors: '[]',
        failure_code: null,
        created_at: 1,
        updated_at: 1,
        expires_at: 10,
      };
      await flows.insert({ id: 'flw_a', ...base });
      const results = await Promise.all([
        flows.update('flw_a', { state: 'password', attempts: 0 }, { state: 'complete' }),
        flows.update('flw_a', { state: 'password', attempts: 0 }, { attempts: 1 }),
      ]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal(await flows.purgeExpired(11), 1);
      assert.equal(await flows.find('flw_a'), undefined);
    });

    test('sessions: stored by token hash, revocation marks only live sessions', async () => {
      const users = new UserRepository(store.db);
      const u = await users.insert({
        loginName: 'dave',
        email: null,
        phone: null,
        displayName: 'D',
        passwordHash: 'h',
        isAdmin: false,
        now: 1,
      });
      const repo = new SessionRepository(store.db);
      const mk = (id: string) => ({
        id,
        token_hash: `hash-${id}`,
        user_id: u.id,
        interface: 'portal',
        device_id: null,
        ip: '::1',
        user_agent: 'ua',
        aal: 1,
        factors: '[]',
        created_at: 1,
        last_seen_at: 1,
        absolute_expires_at: 1_000_000,
        revoked_at: null,
        revoked_reason: null,
      });
      await repo.insert(mk('ses_1'));
      await repo.insert(mk('ses_2'));
      await repo.insert(mk('ses_3'));
      assert.equal((await repo.findByTokenHash('hash-ses_2'))?.id, 'ses_2');
      assert.equal((await repo.listActive(u.id, 2)).length, 3);
      assert.deepEqual(
        (await repo.revoke({ id: 'ses_1' }, 'logout', 5)).map((r) => r.id),
        ['ses_1'],
      );
      const rest = await repo.revoke({ userId: u.id, exceptId: 'ses_3' }, 'all', 6);
      assert.deepEqual(
        rest.map((r) => r.id),
        ['ses_2'],
      );
      assert.equal((await repo.findById('ses_1'))?.revoked_reason, 'logout');
      assert.deepEqual(
        (await repo.listActive(u.id, 7)).map((r) => r.id),
        ['ses_3'],
      );
    });

    test('audit: events chain linearly even when appended concurrently, and verify passes', async () => {
      const trail = new AuditTrail(store);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          trail.record({ name: 'login.failed', outcome: 'failure', reason: `r${i}`, ip: '198.51.100.1' }),
        ),
      );
      const result = await trail.verify(7);
      assert.equal(result.ok, true);
      assert.equal(result.checked, 20);
    });

    test('audit: appends of one turn share a transaction, each caller gets its own events in order', async () => {
      const trail = new AuditTrail(store);
      const before = (await trail.verify()).checked;
      const seen: number[] = [];
      trail.onAppend((e) => seen.push(e.seq));
      const many = Array.from({ length: 2100 }, (_, i) => ({
        name: 'login.failed' as const,
        outcome: 'failure' as const,
        reason: `bulk${i}`,
      }));
      const [bulk, single] = await Promise.all([
        trail.recordAll(many),
        trail.record({ name: 'login.failed', outcome: 'failure', reason: 'single' }),
      ]);
      assert.equal(
        bulk.length,
        2100,
        'more bound values than SQLite allows in one statement: stored in chunks',
      );
      assert.deepEqual(
        bulk.slice(0, 3).map((e) => e.reason),
        ['bulk0', 'bulk1', 'bulk2'],
      );
      assert.equal(single.reason, 'single');
      assert.equal(single.seq, bulk.at(-1)!.seq + 1, 'one linear chain, in the order asked');
      assert.deepEqual(seen, [...bulk.map((e) => e.seq), single.seq]);
      const result = await trail.verify();
      assert.equal(result.ok, true);
      assert.equal(result.checked, before + 2101);
    });

    test('audit: a tampered row makes verify name the first broken link', async () => {
      const trail = new AuditTrail(store);
      const before = await trail.verify();
      assert.equal(before.ok, true);
      const victim = before.ok ? before.headSeq - 5 : 0;
      await sql`update audit_events set reason = 'edited' where seq = ${victim}`.execute(store.db);
      const result = await trail.verify();
      assert.deepEqual(result, {
        ok: false,
        checked: victim - 1,
        brokenAt: victim,
        reason: 'event content does not match its hash',
      });
    });

    test('audit: a deleted event is reported as missing', async () => {
      const trail = new AuditTrail(store);
      await sql`delete from audit_events where seq = 3`.execute(store.db);
      const result = await trail.verify();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.brokenAt, 3);
    });
  });
}
