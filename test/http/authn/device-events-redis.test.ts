import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { type DeviceEvent, DeviceHub } from '../../../src/authn/push/hub.ts';
import { openStore } from '../../../src/store/index.ts';
import { PG_URL, postgresDb } from '../../support/databases.ts';
import { createUser, type Harness, startHarness } from '../../support/harness.ts';

const REDIS = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Waits until `got` holds `n` events (Redis delivery is asynchronous), at most two seconds. */
async function until(got: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 200 && got.length < n; i++) await sleep(10);
}

describe('device events through Redis (two hubs)', () => {
  const a = new DeviceHub({ redisUrl: REDIS });
  const b = new DeviceHub({ redisUrl: REDIS });
  before(async () => {
    await Promise.all([a.ready(), b.ready()]);
  });
  after(() => {
    a.close();
    b.close();
  });

  test('an event published on one node reaches the other once, and its own node once', async () => {
    const onA: DeviceEvent[] = [];
    const onB: DeviceEvent[] = [];
    const offA = a.subscribe('usr_x', (e) => onA.push(e));
    const offB = b.subscribe('usr_x', (e) => onB.push(e));
    const other: DeviceEvent[] = [];
    const offOther = b.subscribe('usr_y', (e) => other.push(e));
    const event: DeviceEvent = { type: 'push', data: { challengeId: 'c1', words: 'Sign in on portal' } };
    a.publish('usr_x', event);
    await until(onB, 1);
    await sleep(50); // an echo of A's own event would arrive by now
    assert.deepEqual(onB, [event]);
    assert.deepEqual(onA, [event]);
    assert.deepEqual(other, [], 'only the user’s own devices hear it');
    offA();
    offB();
    offOther();
  });

  test('a flow waiting on one node hears the decision made on the other', async () => {
    const waiting = b.waitForDecision('usr_z', 'chal_9', 2000);
    a.publish('usr_z', { type: 'push_decided', data: { challengeId: 'chal_9', status: 'approved' } });
    assert.equal(await waiting, 'approved');
  });

  test('a malformed message on the channel is ignored', async () => {
    const got: DeviceEvent[] = [];
    const off = b.subscribe('usr_m', (e) => got.push(e));
    const raw = new Redis(REDIS);
    await raw.publish('pc:device-events', '{not json');
    await raw.publish('pc:device-events', JSON.stringify({ node: 'elsewhere', userId: 'usr_m' }));
    a.publish('usr_m', { type: 'alert', data: { id: 'alr_1' } });
    await until(got, 1);
    assert.deepEqual(got, [{ type: 'alert', data: { id: 'alr_1' } }]);
    raw.disconnect();
    off();
  });
});

describe('two nodes, one database, events through Redis', () => {
  let nodeA: Harness;
  let nodeB: Harness;
  const env = { PORTCULLIS_EVENTS_REDIS_URL: REDIS };
  before(async () => {
    nodeA = await startHarness({ db: postgresDb, env });
    const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(nodeA.services.store.db);
    nodeB = await startHarness({ store: openStore(PG_URL, { searchPath: rows[0]!.s, poolSize: 2 }), env });
  });
  after(async () => {
    await nodeB.close();
    await nodeA.close();
  });

  test('an alert raised on node A reaches a phone streaming from node B at once', async () => {
    const user = await createUser(nodeA, 'olga');
    const heard: DeviceEvent[] = [];
    const off = nodeB.services.authn.hub.subscribe(user.id, (e) => heard.push(e));
    await nodeA.services.authn.notifier.notify(user.id, {
      kind: 'new_sign_in',
      title: 'New sign-in',
      body: 'A new sign-in on the portal.',
    });
    await until(heard, 1);
    assert.equal(heard.length, 1);
    assert.equal(heard[0]!.type, 'alert');
    assert.equal(heard[0]!.data['title'], 'New sign-in');
    const stored = await nodeB.services.authn.notifier.list(user.id);
    assert.equal(stored[0]!.id, heard[0]!.data['id'], 'the event names the stored alert');
    off();
  });
});
