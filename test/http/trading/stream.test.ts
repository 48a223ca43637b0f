import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sqliteDb } from '../../support/databases.ts';
import type { Harness } from '../../support/harness.ts';
import { call, customer, limitBuy, touch, tradingHarness } from './support.ts';

describe('the account stream (server-sent events)', () => {
  let h: Harness;
  let base: string;
  before(async () => {
    h = await tradingHarness(sqliteDb);
    base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => h.close());

  test('a member receives the fill and order events of the account; a stranger gets 404', async () => {
    const c = await customer(h, 'streamer');
    const other = await customer(h, 'stranger');
    const denied = await fetch(`${base}/api/v1/accounts/${c.account.id}/stream`, {
      headers: other.caller.headers,
    });
    assert.equal(denied.status, 404);
    const ac = new AbortController();
    const res = await fetch(`${base}/api/v1/accounts/${c.account.id}/stream`, {
      headers: c.caller.headers,
      signal: ac.signal,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    assert.match(text, /event: ready/);
    const placed = await call(
      h,
      c.caller,
      'POST',
      `/accounts/${c.account.id}/orders`,
      limitBuy('AAPL', '1', touch(h, 'AAPL').ask),
    );
    assert.equal(placed.statusCode, 201);
    while (!/event: order/.test(text)) text += decoder.decode((await reader.read()).value);
    assert.match(text, /event: fill/);
    assert.match(text, /"status":"filled"/);
    ac.abort();
  });

  test('quotes of subscribed feeds stream live as the feed moves', async () => {
    const c = await customer(h, 'quotes');
    const ac = new AbortController();
    const res = await fetch(`${base}/api/v1/quotes/stream?symbols=AAPL,EURUSD`, {
      headers: c.caller.headers,
      signal: ac.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    assert.match(text, /"live":\["AAPL"\]/);
    assert.match(text, /"delayed":\["EURUSD"\]/);
    await h.services.trading.advanceQuotes(1);
    while (!/event: quote/.test(text)) text += decoder.decode((await reader.read()).value);
    assert.match(text, /"symbol":"AAPL"/);
    assert.doesNotMatch(text, /"symbol":"EURUSD"/);
    ac.abort();
  });
});
