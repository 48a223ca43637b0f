/**
 * Test support: a small node:http server on 127.0.0.1 that checks every
 * request's signature with the server's own verifier (src/credentials/
 * signing.ts) against the shared vector keys, records what it received and
 * answers with whatever the test's handler says.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  prepareEd25519PublicKey,
  prepareHmacKey,
  readSignatureHeaders,
  type SignedRequestResult,
  type VerificationKey,
  verifySignedRequest,
} from '../../src/credentials/signing.ts';
import { MemoryNonceCache } from '../../src/limits/nonce-cache.ts';

export const vectors = JSON.parse(
  readFileSync(new URL('../../test/vectors/signing.json', import.meta.url), 'utf8'),
);

const KEYS: Record<string, VerificationKey[]> = {
  [vectors.hmac.keyId]: [{ kind: 'hmac', key: prepareHmacKey(vectors.hmac.secret) }],
  [vectors.ed25519.keyId]: [{ kind: 'ed25519', key: prepareEd25519PublicKey(vectors.ed25519.publicKeyPem) }],
};

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verification: SignedRequestResult;
}

export type Handler = (request: Received, response: ServerResponse) => void | Promise<void>;

export interface TestServer {
  url: string;
  received: Received[];
  handle(handler: Handler): void;
  /** Shifts the server's clock, to test the client's resynchronisation. */
  setClockOffset(ms: number): void;
  close(): Promise<void>;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

export function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  sendJson(
    response,
    status,
    { error: { code, message: code.toLowerCase(), requestId: 'req_test', details } },
    headers,
  );
}

export async function startTestServer(): Promise<TestServer> {
  const nonces = new MemoryNonceCache();
  const received: Received[] = [];
  let handler: Handler = (_request, response) => sendJson(response, 200, {});
  let clockOffset = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const verification = await verifySignedRequest(
      {
        headers: readSignatureHeaders(req.headers),
        method: req.method ?? '',
        pathWithQuery: req.url ?? '',
        body: body.length === 0 ? undefined : body,
      },
      { now: Date.now() + clockOffset, resolveKey: (id) => KEYS[id], nonces },
    );
    const request: Received = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: body.toString('utf8'),
      verification,
    };
    received.push(request);
    if (!verification.ok) return sendError(res, 401, verification.code, verification.details);
    await handler(request, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    handle(next) {
      handler = next;
    },
    setClockOffset(ms) {
      clockOffset = ms;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
