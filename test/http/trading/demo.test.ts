import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { seedDemoUser } from '../../../src/server.ts';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, sessionFor, tradingHarness } from './support.ts';

for (const db of ALL_DBS) {
  describe(`the demo customer (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db, { PORTCULLIS_DEMO_USER: 'true' });
    });
    after(() => h.close());

    test('gets a funded USD paper account under the US entity with positions and open orders', async () => {
      const lines: string[] = [];
      await seedDemoUser(h.services, (l) => lines.push(l));
      const demo = await h.services.identity.users.findByIdentifier('demo');
      assert.ok(demo);
      const caller = await sessionFor(h, demo.id);
      const list = (await call(h, caller, 'GET', '/accounts')).json().accounts;
      assert.equal(list.length, 1);
      assert.equal(list[0].entity.id, 'ent_us');
      assert.equal(list[0].baseCurrency, 'USD');
      const id = list[0].id;
      const positions = (await call(h, caller, 'GET', `/accounts/${id}/positions`)).json().positions;
      assert.ok(positions.length >= 3);
      const open = (await call(h, caller, 'GET', `/accounts/${id}/orders?status=open`)).json().orders;
      assert.ok(open.length >= 2);
      const detail = (await call(h, caller, 'GET', `/accounts/${id}`)).json();
      assert.ok(Number(detail.balances.equity) > 990_000);
      assert.ok(!lines.join('\n').includes('undefined'));
    });
  });
}
