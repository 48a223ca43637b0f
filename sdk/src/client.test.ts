import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sendError, sendJson, startTestServer, type TestServer, vectors as v } from '../test/server.ts';
import { PortcullisClient } from './client.ts';
import {
  ApprovalRequiredError,
  NetworkError,
  RateLimitedError,
  RiskRejectedError,
  ServerError,
  StepUpRequiredError,
} from './errors.ts';
import { createEd25519SignerFromSeed, createHmacSigner } from './signer.ts';
import type { AccountEvent, OrderRequest } from './types.ts';

let server: TestServer;
let waits: number[];
before(async () => {
  server = await startTestServer();
});
after(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  server.setClockOffset(0);
  waits = [];
});

function client(overrides: Partial<ConstructorParameters<typeof PortcullisClient>[0]> = {}) {
  return new PortcullisClient({
    baseUrl: server.url,
    signer: createHmacSigner(v.hmac.keyId, v.hmac.secret),
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

const order: OrderRequest = {
  symbol: 'AAPL',
  side: 'buy',
  quantity: '10',
  type: 'limit',
  limitPrice: '187.25',
  timeInForce: 'day',
};

/** Answers with each status in turn, then 200 with `body`. */
function sequence(statuses: number[], body: unknown = { ok: true }, headers: Record<string, string> = {}) {
  let i = 0;
  server.handle((_request, response) => {
    const status = statuses[i++];
    if (status === undefined) return sendJson(response, 200, body);
    if (status === 0) {
      response.socket?.destroy();
      return;
    }
    sendError(response, status, status === 429 ? 'RATE_LIMITED' : 'NOT_READY', {}, headers);
  });
}

describe('signing every request', () => {
  test('requests from HMAC and Ed25519 clients verify on the server, query strings and encoded ids included', async () => {
    server.handle((_request, response) => sendJson(response, 200, []));
    await client().orders('acc 1/x', { status: 'open' });
    const ed = client({ signer: createEd25519SignerFromSeed(v.ed25519.keyId, v.ed25519.privateSeedHex) });
    await ed.accounts();
    assert.deepEqual(
      server.received.map((r) => [r.path, r.verification.ok]),
      [
        ['/api/v1/accounts/acc%201%2Fx/orders?status=open', true],
        ['/api/v1/accounts', true],
      ],
    );
  });

  test('list answers may be a bare array or wrapped in an object', async () => {
    server.handle((_request, response) => sendJson(response, 200, { accounts: [{ id: 'acc_1' }] }));
    assert.deepEqual(await client().accounts(), [{ id: 'acc_1' }]);
  });
});

describe('order submission', () => {
  test('placeOrder sends the order as JSON with a UUID Idempotency-Key', async () => {
    server.handle((request, response) =>
      sendJson(response, 201, { id: 'ord_1', ...JSON.parse(request.body) }),
    );
    const placed = await client().placeOrder('acc_123', order);
    assert.equal(placed.id, 'ord_1');
    const [request] = server.received;
    assert.equal(request!.method, 'POST');
    assert.deepEqual(JSON.parse(request!.body), order);
    assert.match(String(request!.headers['idempotency-key']), /^[0-9a-f-]{36}$/);
    assert.equal(request!.headers['content-type'], 'application/json');
  });

  test('a 503 on order submission is retried with the same Idempotency-Key, re-signed with a fresh nonce', async () => {
    sequence([503, 0], { id: 'ord_2' });
    const placed = await client().placeOrder('acc_123', order, { idempotencyKey: 'idem-42' });
    assert.equal(placed.id, 'ord_2');
    const keys = server.received.map((r) => r.headers['idempotency-key']);
    assert.deepEqual(keys, ['idem-42', 'idem-42', 'idem-42']);
    assert.equal(new Set(server.received.map((r) => r.headers['pc-nonce'])).size, 3);
    assert.ok(server.received.every((r) => r.verification.ok));
    assert.deepEqual(waits, [100, 200], 'full-jitter exponential backoff (random 0.5)');
  });
});

describe('retry rules', () => {
  test('GET is retried on 429 after the Retry-After the server asked for', async () => {
    sequence([429], [], { 'retry-after': '2' });
    await client().positions('acc_1');
    assert.equal(server.received.length, 2);
    assert.deepEqual(waits, [2000]);
  });

  test('a Retry-After longer than the longest wait is raised instead of slept through', async () => {
    sequence([429], [], { 'retry-after': '120' });
    await assert.rejects(client().positions('acc_1'), RateLimitedError);
    assert.equal(server.received.length, 1);
  });

  test('a non-idempotent POST (cancel-all, flatten, kill switch) is never retried', async () => {
    for (const call of [
      (c: PortcullisClient) => c.cancelAll('acc_1'),
      (c: PortcullisClient) => c.flatten('acc_1', 'AAPL'),
      (c: PortcullisClient) => c.killSwitch('acc_1', { reason: 'bot misbehaves' }),
    ]) {
      server.received.length = 0;
      sequence([503]);
      await assert.rejects(call(client()), ServerError);
      assert.equal(server.received.length, 1);
      assert.equal(server.received[0]!.headers['idempotency-key'], undefined);
    }
  });

  test('a dropped connection on a non-idempotent POST is raised as NetworkError, not retried', async () => {
    sequence([0]);
    await assert.rejects(client().cancelAll('acc_1'), NetworkError);
    assert.equal(server.received.length, 1);
  });

  test('DELETE of an order is sent once', async () => {
    sequence([503]);
    await assert.rejects(client().cancelOrder('acc_1', 'ord_1'), ServerError);
    assert.equal(server.received.length, 1);
  });

  test('a 500 is not retried even for GET (only network errors, 429 and 503 are)', async () => {
    server.handle((_request, response) => sendError(response, 500, 'INTERNAL'));
    await assert.rejects(client().account('acc_1'), ServerError);
    assert.equal(server.received.length, 1);
  });

  test('retries stop after maxAttempts', async () => {
    sequence([503, 503, 503, 503, 503]);
    await assert.rejects(client({ retry: { maxAttempts: 4 } }).quote('AAPL'), ServerError);
    assert.equal(server.received.length, 4);
  });

  test('a request without an answer times out as NetworkError TIMEOUT, and GET retries it', async () => {
    server.handle(() => undefined);
    await assert.rejects(
      client({ timeoutMs: 50, retry: { maxAttempts: 2 } }).account('acc_1'),
      (e: unknown) => {
        return e instanceof NetworkError && e.code === 'TIMEOUT';
      },
    );
    assert.equal(server.received.length, 2);
  });
});

describe('clock drift', () => {
  test('when the server reports TIMESTAMP_OUT_OF_WINDOW the client adopts its clock and sends once more', async () => {
    server.setClockOffset(10 * 60_000);
    server.handle((_request, response) => sendJson(response, 200, { cancelled: 3 }));
    assert.deepEqual(await client().cancelAll('acc_1'), { cancelled: 3 });
    assert.deepEqual(
      server.received.map((r) => (r.verification.ok ? 'OK' : r.verification.code)),
      ['TIMESTAMP_OUT_OF_WINDOW', 'OK'],
    );
  });
});

describe('error mapping', () => {
  test('a risk rejection is a RiskRejectedError with the check code, values and request id', async () => {
    server.handle((_request, response) =>
      sendError(response, 422, 'PRICE_OUTSIDE_COLLAR', { collarHigh: '196.61' }),
    );
    await assert.rejects(client().placeOrder('acc_1', order), (e: unknown) => {
      assert.ok(e instanceof RiskRejectedError);
      assert.equal(e.code, 'PRICE_OUTSIDE_COLLAR');
      assert.equal(e.requestId, 'req_test');
      assert.deepEqual(e.details, { collarHigh: '196.61' });
      return true;
    });
    assert.equal(server.received.length, 1, 'a 422 is final, never retried');
  });

  test('STEP_UP_REQUIRED and a 202 APPROVAL_REQUIRED surface as their own errors', async () => {
    server.handle((_request, response) =>
      sendError(response, 403, 'STEP_UP_REQUIRED', { requirement: { aal: 2 } }),
    );
    await assert.rejects(client().killSwitch('acc_1'), StepUpRequiredError);
    server.handle((_request, response) =>
      sendError(response, 202, 'APPROVAL_REQUIRED', { approvalId: 'apr_1' }),
    );
    await assert.rejects(
      client().placeOrder('acc_1', order),
      (e: unknown) => e instanceof ApprovalRequiredError && e.approvalId === 'apr_1',
    );
  });
});

describe('account event stream', () => {
  test('events are parsed from SSE chunks and the stream reconnects with Last-Event-ID', async () => {
    let connection = 0;
    server.handle((request, response) => {
      connection++;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      if (connection === 1) {
        response.write('retry: 10\n: hello\n\nevent: order.updated\nid: 1\ndata: {"id":"o1",');
        response.write('"status":"new"}\n\nevent: fill\nid: 2\ndata: {"orderId":"o1"}\r\n\r\n');
        response.end();
      } else {
        assert.equal(request.headers['last-event-id'], '2');
        response.write('event: state.changed\nid: 3\ndata: halted\n\n');
      }
    });
    const controller = new AbortController();
    const events: AccountEvent[] = [];
    for await (const event of client().streamOrders('acc_1', { signal: controller.signal })) {
      events.push(event);
      if (events.length === 3) controller.abort();
    }
    assert.deepEqual(events, [
      { type: 'order.updated', data: { id: 'o1', status: 'new' }, id: '1' },
      { type: 'fill', data: { orderId: 'o1' }, id: '2' },
      { type: 'state.changed', data: 'halted', id: '3' },
    ]);
    assert.ok(server.received.every((r) => r.verification.ok && r.headers.accept === 'text/event-stream'));
  });

  test('an error answer ends the stream with that error', async () => {
    server.handle((_request, response) => sendError(response, 403, 'SCOPE_INSUFFICIENT'));
    const stream = client().streamOrders('acc_1');
    await assert.rejects(
      stream.next(),
      (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'SCOPE_INSUFFICIENT',
    );
  });

  test('leaving the loop closes the connection', async () => {
    let closed = false;
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: 1\n\n');
      response.on('close', () => {
        closed = true;
      });
    });
    for await (const _ of client().streamOrders('acc_1')) break;
    for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(closed, true);
  });
});
