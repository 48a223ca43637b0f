import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { createKey, signed, strongBearer } from '../credentials/support.ts';
import { customer, limitBuy, touch, tradingHarness } from './support.ts';

for (const db of ALL_DBS) {
  describe(`trading through an API key (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db);
    });
    after(() => h.close());

    test('a signed key trades its account, never another, and its kill switch halts and suspends it', async () => {
      const c = await customer(h, 'botowner');
      const other = await customer(h, 'otherowner');
      const key = await createKey(h, await strongBearer(h, c.userId), {
        scopes: ['trade', 'kill', 'orders:read'],
        constraints: { accounts: [c.account.id], environment: 'paper' },
      });
      const base = `/api/v1/accounts/${c.account.id}`;
      const price = (Number(touch(h, 'KO').bid) - 0.2).toFixed(2);
      const placed = await signed(h, key, 'POST', `${base}/orders`, limitBuy('KO', '3', price));
      assert.equal(placed.statusCode, 201, placed.body);
      const foreign = await signed(
        h,
        key,
        'POST',
        `/api/v1/accounts/${other.account.id}/orders`,
        limitBuy('KO', '3', price),
      );
      assert.ok([403, 404].includes(foreign.statusCode), foreign.body);
      const kill = await signed(h, key, 'POST', `${base}/kill-switch`, {});
      assert.equal(kill.statusCode, 200, kill.body);
      assert.equal(kill.json().cancelledOrders, 1);
      assert.equal(kill.json().listenerFailures, 0);
      const after = await signed(h, key, 'GET', `${base}/orders`);
      assert.ok(
        after.statusCode === 401 || after.statusCode === 403,
        `suspended key answered ${after.statusCode}`,
      );
    });
  });
}
