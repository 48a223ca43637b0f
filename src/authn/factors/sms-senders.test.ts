import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createDevSmsSender,
  createWebhookSmsSender,
  DEV_SMS_OUTBOX,
  SmsDeliveryError,
} from './sms-senders.ts';

describe('development SMS sender', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'portcullis-sms-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('appends one JSON line per message to an owner-only file in the folder', async () => {
    const outbox = join(folder, 'nested');
    const sender = createDevSmsSender({ folder: outbox });
    await sender.send({ to: '+14155550123', message: 'Your Portcullis code is 123456.' });
    await sender.send({ to: '+447700900123', message: 'Your Portcullis code is 654321.' });
    const lines = (await readFile(join(outbox, DEV_SMS_OUTBOX), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
    const first = JSON.parse(lines[0] ?? '{}');
    assert.equal(first.to, '+14155550123');
    assert.equal(first.message, 'Your Portcullis code is 123456.');
    assert.ok(!Number.isNaN(Date.parse(first.at)));
    assert.equal((await stat(join(outbox, DEV_SMS_OUTBOX))).mode & 0o077, 0);
  });
});

interface Received {
  method: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('webhook SMS sender', () => {
  let server: Server;
  let base = '';
  const received: Received[] = [];
  let behaviour: 'ok' | 'fail' | 'hang' = 'ok';

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ method: req.method, headers: req.headers, body });
        if (behaviour === 'hang') return;
        res.writeHead(behaviour === 'ok' ? 202 : 503, { 'content-type': 'application/json' });
        res.end(behaviour === 'ok' ? '{"queued":true}' : '{"error":"down"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs {to, message} as JSON with the configured headers', async () => {
    behaviour = 'ok';
    const sender = createWebhookSmsSender({
      url: `${base}/sms`,
      headers: { authorization: 'Bearer gateway-token' },
    });
    await sender.send({ to: '+14155550123', message: 'Your Portcullis code is 123456.' });
    const last = received.at(-1);
    assert.equal(last?.method, 'POST');
    assert.equal(last?.headers['content-type'], 'application/json');
    assert.equal(last?.headers.authorization, 'Bearer gateway-token');
    assert.deepEqual(JSON.parse(last?.body ?? ''), {
      to: '+14155550123',
      message: 'Your Portcullis code is 123456.',
    });
  });

  it('when the gateway answers non-2xx then SMS_DELIVERY_FAILED with the status and without the message text', async () => {
    behaviour = 'fail';
    const sender = createWebhookSmsSender({ url: `${base}/sms` });
    await assert.rejects(sender.send({ to: '+14155550123', message: 'code 987654' }), (error: unknown) => {
      assert.ok(error instanceof SmsDeliveryError);
      assert.equal(error.code, 'SMS_DELIVERY_FAILED');
      assert.equal(error.status, 503);
      assert.equal(error.message.includes('987654'), false);
      return true;
    });
  });

  it('when the gateway does not answer in time then SMS_DELIVERY_FAILED for the timeout', async () => {
    behaviour = 'hang';
    const sender = createWebhookSmsSender({ url: `${base}/sms`, timeoutMs: 150 });
    await assert.rejects(sender.send({ to: '+14155550123', message: 'code 111111' }), (error: unknown) => {
      assert.ok(error instanceof SmsDeliveryError);
      assert.match(error.message, /timed out after 150 ms/);
      return true;
    });
  });

  it('when nothing listens then SMS_DELIVERY_FAILED as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sender = createWebhookSmsSender({ url: `http://127.0.0.1:${port}/sms` });
    await assert.rejects(sender.send({ to: '+14155550123', message: 'x' }), {
      name: 'SmsDeliveryError',
      message: 'SMS webhook unreachable',
    });
  });

  it('a non-http URL is a configuration error', () => {
    assert.throws(() => createWebhookSmsSender({ url: 'ftp://example.com/sms' }), TypeError);
  });
});
