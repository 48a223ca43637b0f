import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileConstraints } from '../../../src/credentials/constraints.ts';
import type { CredentialPrincipal } from '../../../src/credentials/principal.ts';
import { AppError } from '../../../src/errors/index.ts';
import { dec } from '../../../src/trading/decimal.ts';
import { ALL_DBS } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, customer, limitBuy, touch, tradingHarness } from './support.ts';

for (const db of ALL_DBS) {
  describe(`pre-trade checks at their edges over HTTP (${db.kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await tradingHarness(db);
    });
    after(() => h.close());

    const below = (symbol: string, ticks = 10) => (Number(touch(h, symbol).bid) - ticks * 0.01).toFixed(2);

    test('order value exactly at the per-order cap passes; one cent more is NOTIONAL_EXCEEDS_MAX', async () => {
      const c = await customer(h, 'notional');
      const price = below('KO');
      const cap = (Number(price) * 10).toFixed(2);
      await call(h, c.caller, 'PUT', `/accounts/${c.account.id}/limits`, { maxOrderNotional: cap });
      const ok = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('KO', '10', price),
      );
      assert.equal(ok.statusCode, 201, ok.body);
      const over = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('KO', '10', (Number(price) + 0.01).toFixed(2)),
      );
      assert.equal(over.json().error.code, 'NOTIONAL_EXCEEDS_MAX');
      assert.ok(dec(over.json().error.details.max).eq(dec(cap)));
    });

    test('a cash account may spend exactly its cash; a cent more is INSUFFICIENT_BUYING_POWER', async () => {
      const price = below('KO');
      const c = await customer(h, 'cashacct', { accountType: 'cash', cash: (Number(price) * 4).toFixed(2) });
      const over = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('KO', '4', (Number(price) + 0.01).toFixed(2)),
      );
      assert.equal(over.json().error.code, 'INSUFFICIENT_BUYING_POWER');
      const ok = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('KO', '4', price),
      );
      assert.equal(ok.statusCode, 201, ok.body);
      const short = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, {
        ...limitBuy('KO', '1', touch(h, 'KO').ask),
        side: 'sell',
      });
      assert.equal(short.json().error.code, 'MARGIN_ACCOUNT_REQUIRED');
    });

    test('an identical order moments later is DUPLICATE_ORDER; after the window it passes', async () => {
      const c = await customer(h, 'dup');
      const body = limitBuy('XOM', '3', below('XOM'));
      assert.equal(
        (await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, body)).statusCode,
        201,
      );
      const dup = await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, body);
      assert.equal(dup.json().error.code, 'DUPLICATE_ORDER');
      h.clock.advance(2_001);
      assert.equal(
        (await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, body)).statusCode,
        201,
      );
    });

    test('the order-rate throttle admits its maximum per second and refuses the next', async () => {
      const c = await customer(h, 'rate');
      await call(h, c.caller, 'PUT', `/accounts/${c.account.id}/limits`, { maxOrdersPerSecond: 2 });
      for (const q of ['1', '2']) {
        assert.equal(
          (
            await call(
              h,
              c.caller,
              'POST',
              `/accounts/${c.account.id}/orders`,
              limitBuy('JPM', q, below('JPM')),
            )
          ).statusCode,
          201,
        );
      }
      const third = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('JPM', '3', below('JPM')),
      );
      assert.equal(third.json().error.code, 'ORDER_RATE_EXCEEDED');
    });

    test('a reduce-only order that would open a position is REDUCE_ONLY_WOULD_INCREASE', async () => {
      const c = await customer(h, 'reduce');
      const r = await call(
        h,
        c.caller,
        'POST',
        `/accounts/${c.account.id}/orders`,
        limitBuy('KO', '1', below('KO'), { reduceOnly: true }),
      );
      assert.equal(r.json().error.code, 'REDUCE_ONLY_WOULD_INCREASE');
    });

    test('a reduce-only credential may close but not open; repeated denials trip its circuit breaker', async () => {
      const c = await customer(h, 'bot');
      const compiled = compileConstraints({
        accounts: [c.account.id],
        environment: 'paper',
        maxOrderNotional: '100000',
      });
      assert.ok(compiled.ok);
      const bot: CredentialPrincipal = {
        kind: 'api_key',
        userId: c.userId,
        credentialId: 'key_bot',
        scopes: ['trade:reduce-only'],
        environment: 'paper',
        constraints: compiled.constraints,
        isAdmin: false,
        apiKeyId: 'key_bot',
      };
      const trips: string[] = [];
      h.services.trading.onCircuitBreak(async (e) => {
        trips.push(e.credentialId);
      });
      const t = h.services.trading;
      const open = {
        symbol: 'KO',
        side: 'buy' as const,
        type: 'limit' as const,
        quantity: dec('1'),
        limitPrice: dec(below('KO')),
        timeInForce: 'gtc' as const,
      };
      const denied = await t.orders.place(bot, c.account.id, open, undefined, {}).catch((e: unknown) => e);
      assert.ok(denied instanceof AppError);
      assert.equal(denied.code, 'CREDENTIAL_REDUCE_ONLY');
      const ask = touch(h, 'KO').ask;
      await call(h, c.caller, 'POST', `/accounts/${c.account.id}/orders`, limitBuy('KO', '5', ask));
      const close = await t.orders.place(
        bot,
        c.account.id,
        { ...open, side: 'sell', quantity: dec('5'), limitPrice: dec(touch(h, 'KO').bid) },
        undefined,
        {},
      );
      assert.equal(close.order.status, 'filled');
      for (let i = 0; i < 25 && trips.length === 0; i++) {
        await t.orders
          .place(bot, c.account.id, { ...open, quantity: dec(String(i + 2)) }, undefined, {})
          .catch(() => undefined);
      }
      assert.deepEqual(trips, ['key_bot']);
    });
  });
}
