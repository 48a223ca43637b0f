import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { customer, limitBuy, touch, tradingHarness } from '../trading/support.ts';
import { createKey, deniedEvents, signed, strongBearer, type TestKey } from './support.ts';

/** Program credentials against the real account, order and kill-switch routes. */
for (const db of ALL_DBS) {
  describe(`program credentials on the trading routes (${db.kind})`, () => {
    let h: Harness;
    let accountId: string;
    let otherAccountId: string;
    let auth: Record<string, string>;
    let bot: TestKey;
    before(async () => {
      h = await tradingHarness(db);
      const alice = await customer(h, 'alice');
      const bob = await customer(h, 'bob');
      accountId = alice.account.id;
      otherAccountId = bob.account.id;
      auth = await strongBearer(h, alice.userId);
      bot = await createKey(h, auth, {
        kind: 'ed25519',
        scopes: ['trade', 'account:read', 'orders:read', 'kill'],
        constraints: { accounts: [accountId], environment: 'paper', maxOrderNotional: '100000' },
      });
    });
    after(() => h.close());

    test('a signed order within the key’s limits is placed and its positions read', async () => {
      const order = limitBuy('AAPL', '1', touch(h, 'AAPL').ask);
      const res = await signed(h, bot, 'POST', `/api/v1/accounts/${accountId}/orders`, order);
      assert.equal(res.statusCode, 201, res.body);
      const positions = await signed(h, bot, 'GET', `/api/v1/accounts/${accountId}/positions`);
      assert.equal(positions.statusCode, 200, positions.body);
    });

    test('a key for one account is refused on another owner’s account', async () => {
      const res = await signed(h, bot, 'GET', `/api/v1/accounts/${otherAccountId}/positions`);
      assert.equal(res.json().error.code, 'ACCOUNT_NOT_ALLOWED');
    });

    test('a key cannot withdraw: ACTION_NOT_DELEGABLE, audited', async () => {
      const res = await signed(h, bot, 'POST', `/api/v1/accounts/${accountId}/withdrawals`, {
        payeeId: 'pay_AAAAAAAAAAAAAAAAAAAAAA',
        amount: '10',
      });
      assert.equal(res.json().error.code, 'ACTION_NOT_DELEGABLE');
      assert.equal((await deniedEvents(h)).at(-1)?.reason, 'ACTION_NOT_DELEGABLE');
    });

    test('the kill switch pulled with the key halts the account and suspends every key and token', async () => {
      const minted = await h.app.inject({
        method: 'POST',
        url: '/api/v1/delegated-tokens',
        headers: auth,
        payload: { scopes: ['account:read'], constraints: { accounts: [accountId], environment: 'paper' } },
      });
      const token = minted.json().token as string;
      const kill = await signed(h, bot, 'POST', `/api/v1/accounts/${accountId}/kill-switch`, {});
      assert.equal(kill.statusCode, 200, kill.body);
      assert.equal(kill.json().listenerFailures, 0);
      const after = await signed(h, bot, 'GET', `/api/v1/accounts/${accountId}/positions`);
      assert.equal(after.json().error.code, 'CREDENTIAL_SUSPENDED');
      const withToken = await h.app.inject({
        method: 'GET',
        url: `/api/v1/accounts/${accountId}/positions`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(withToken.json().error.code, 'TOKEN_REVOKED');
    });
  });
}
