import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HALTING_CODES, runBot } from '../../../examples/paper-bot/bot.ts';
import { createHmacSigner, PortcullisClient } from '../../../sdk/src/index.ts';
import { sqliteDb } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { customer, sessionFor, tradingHarness } from '../trading/support.ts';

/** The example bot against a real server on a real port, stopped by the account kill switch. */
describe('the example paper bot', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await tradingHarness(sqliteDb);
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const address = h.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(() => h.close());

  /** A customer, their desktop session and an SDK client on a paper key for EURUSD, made in that session. */
  async function botFor(name: string, constraints: Record<string, unknown> = {}) {
    const who = await customer(h, name);
    const owner = await sessionFor(h, who.userId, 'desktop');
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: owner.headers,
      payload: {
        name: 'paper bot',
        kind: 'hmac',
        scopes: ['trade', 'account:read'],
        constraints: {
          accounts: [who.account.id],
          environment: 'paper',
          symbols: ['EURUSD'],
          ...constraints,
        },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const { key, secret } = created.json();
    const client = new PortcullisClient({ baseUrl: base, signer: createHmacSigner(key.id, secret) });
    return { accountId: who.account.id as string, owner, client };
  }

  test('trades within its limits, then stops cleanly when the owner pulls the kill switch', async () => {
    const { accountId, owner, client } = await botFor('alice', { maxOrderNotional: '5000' });
    const lines: string[] = [];
    const controller = new AbortController();
    let killed = false;
    const result = await runBot({
      client,
      accountId,
      signal: controller.signal,
      intervalMs: 10,
      maxSteps: 50,
      log: (line) => {
        lines.push(line);
        if (!killed && lines.filter((l) => l.includes('EURUSD')).length >= 2) {
          killed = true;
          void h.app.inject({
            method: 'POST',
            url: `/api/v1/accounts/${accountId}/kill-switch`,
            headers: owner.headers,
            payload: {},
          });
        }
      },
    });
    assert.ok(lines.filter((l) => l.includes('EURUSD')).length >= 2, lines.join('\n'));
    assert.ok(HALTING_CODES.has(result.stoppedBy), `stopped by ${result.stoppedBy}\n${lines.join('\n')}`);
  });

  test('when the FX market is closed for the weekend then the bot says so and waits, placing nothing', async () => {
    const { accountId, owner, client } = await botFor('bob');
    const weekday = h.clock.now;
    h.clock.now = Date.UTC(2026, 10, 28, 12, 0); // Saturday noon UTC: spot FX is closed
    try {
      const lines: string[] = [];
      const result = await runBot({
        client,
        accountId,
        signal: new AbortController().signal,
        intervalMs: 1,
        maxSteps: 3,
        log: (line) => lines.push(line),
      });
      assert.equal(result.stoppedBy, 'max_steps', lines.join('\n'));
      assert.equal(lines.filter((l) => l.startsWith('market closed for EURUSD: waiting')).length, 3);
    } finally {
      h.clock.now = weekday;
    }
    const orders = await h.app.inject({
      method: 'GET',
      url: `/api/v1/accounts/${accountId}/orders`,
      headers: owner.headers,
    });
    assert.equal(orders.statusCode, 200, orders.body);
    assert.deepEqual(orders.json().orders, []);
  });
});
