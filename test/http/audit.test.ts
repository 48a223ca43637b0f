import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  createUser,
  type Harness,
  loginPortal,
  PASSWORD,
  startFlow,
  startHarness,
  submitPassword,
} from '../support/harness.ts';

describe('audit trail over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createUser(h, 'alice');
    await createUser(h, 'eve');
    await createUser(h, 'root', { isAdmin: true });
  });
  after(() => h.close());

  test('sign-in decisions are recorded with way in, IP, outcome and reason code — and no secret', async () => {
    await submitPassword(
      h,
      await startFlow(h, 'portal', '192.0.2.44'),
      'alice',
      'a wrong password!',
      '192.0.2.44',
    );
    const s = await loginPortal(h);
    const res = await h.app.inject({
      method: 'GET',
      url: '/api/v1/audit/events?limit=50',
      headers: s.headers,
    });
    assert.equal(res.statusCode, 200);
    const events = res.json().events as Array<Record<string, unknown>>;
    const failed = events.find((e) => e.name === 'login.failed');
    assert.ok(failed);
    assert.equal(failed.outcome, 'failure');
    assert.equal(failed.reason, 'WRONG_PASSWORD');
    assert.equal(failed.interface, 'portal');
    assert.equal(failed.ip, '192.0.2.44');
    assert.ok(events.some((e) => e.name === 'login.succeeded' && e.outcome === 'success'));
    assert.ok(events.some((e) => e.name === 'session.created'));
    const text = JSON.stringify(events);
    assert.ok(!text.includes(PASSWORD));
    assert.ok(!text.includes('a wrong password!'));
    assert.ok(!text.includes(s.cookie));
  });

  test('a user sees only their own events; an administrator sees everyone’s', async () => {
    const eve = await loginPortal(h, 'eve');
    const alice = await h.services.identity.findUser('alice');
    const mine = (
      await h.app.inject({ method: 'GET', url: '/api/v1/audit/events?limit=500', headers: eve.headers })
    ).json().events as Array<Record<string, unknown>>;
    assert.ok(mine.length > 0);
    assert.ok(mine.every((e) => e.actorUserId !== alice.id && e.subjectUserId !== alice.id));
    const root = await loginPortal(h, 'root');
    const all = (
      await h.app.inject({
        method: 'GET',
        url: `/api/v1/admin/audit/events?limit=500&userId=${alice.id}`,
        headers: root.headers,
      })
    ).json().events as Array<Record<string, unknown>>;
    assert.ok(all.some((e) => e.subjectUserId === alice.id));
  });

  test('paging with before returns strictly older events', async () => {
    const s = await loginPortal(h);
    const first = (
      await h.app.inject({ method: 'GET', url: '/api/v1/audit/events?limit=2', headers: s.headers })
    ).json().events;
    assert.equal(first.length, 2);
    const next = (
      await h.app.inject({
        method: 'GET',
        url: `/api/v1/audit/events?limit=2&before=${first[1].seq}`,
        headers: s.headers,
      })
    ).json().events;
    assert.ok(next.every((e: { seq: number }) => e.seq < first[1].seq));
  });

  test('verify passes on an intact chain and names the first broken link after tampering', async () => {
    const root = await loginPortal(h, 'root');
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/admin/audit/verify',
      headers: root.headers,
    });
    assert.equal(ok.json().ok, true);
    await sql`update audit_events set ip = '10.0.0.1' where seq = 4`.execute(h.services.store.db);
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/admin/audit/verify',
      headers: root.headers,
    });
    assert.equal(broken.json().ok, false);
    assert.equal(broken.json().brokenAt, 4);
  });

  test('secret-looking keys passed as event data are redacted before they are chained', async () => {
    const e = await h.services.audit.record({
      name: 'user.password_changed',
      outcome: 'success',
      data: { password: 'hunter2hunter2', note: 'kept' },
    });
    assert.deepEqual(e.data, { password: '[redacted]', note: 'kept' });
  });
});
