import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  prepareEd25519PublicKey,
  prepareHmacKey,
  type VerificationKey,
  verifySignedRequest,
} from '../../src/credentials/signing.ts';
import { MemoryNonceCache } from '../../src/limits/nonce-cache.ts';
import { vectors as v } from '../test/server.ts';
import {
  canonicalString,
  createEd25519Signer,
  createEd25519SignerFromSeed,
  createHmacSigner,
} from './signer.ts';

const fixed = {
  method: 'post',
  pathWithQuery: v.request.pathWithQuery,
  body: v.request.body,
  timestamp: v.request.timestamp,
  nonce: v.request.nonce,
};

describe('SDK signers reproduce the shared vectors', () => {
  test('the canonical string matches the vector', () => {
    assert.equal(canonicalString({ ...fixed, method: 'POST' }), v.canonical);
  });

  test('the HMAC signer produces the vector headers exactly', () => {
    assert.deepEqual(createHmacSigner(v.hmac.keyId, v.hmac.secret).sign(fixed), {
      'PC-KEY': v.hmac.keyId,
      'PC-TIMESTAMP': String(v.request.timestamp),
      'PC-NONCE': v.request.nonce,
      'PC-SIGNATURE': v.hmac.signature,
    });
  });

  test('the Ed25519 signer from the vector seed produces the vector signature exactly', () => {
    const headers = createEd25519SignerFromSeed(v.ed25519.keyId, v.ed25519.privateSeedHex).sign(fixed);
    assert.equal(headers['PC-SIGNATURE'], v.ed25519.signature);
  });

  test('the Ed25519 signer from a PKCS#8 PEM gives the same signature as from the seed', () => {
    const der = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(v.ed25519.privateSeedHex, 'hex'),
    ]);
    const pem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    assert.equal(createEd25519Signer(v.ed25519.keyId, pem).sign(fixed)['PC-SIGNATURE'], v.ed25519.signature);
  });
});

describe('signing live requests', () => {
  test('without a timestamp or nonce the signer uses the current time and a fresh 22-character nonce', () => {
    const signer = createHmacSigner(v.hmac.keyId, v.hmac.secret);
    const a = signer.sign({ method: 'GET', pathWithQuery: '/api/v1/accounts' });
    const b = signer.sign({ method: 'GET', pathWithQuery: '/api/v1/accounts' });
    assert.notEqual(a['PC-NONCE'], b['PC-NONCE']);
    assert.match(a['PC-NONCE'], /^[A-Za-z0-9_-]{22}$/);
    assert.ok(Math.abs(Number(a['PC-TIMESTAMP']) - Date.now()) < 1000);
  });

  test('what the SDK signs, the server verifies (HMAC and Ed25519)', async () => {
    const keys: Record<string, VerificationKey[]> = {
      [v.hmac.keyId]: [{ kind: 'hmac' as const, key: prepareHmacKey(v.hmac.secret) }],
      [v.ed25519.keyId]: [{ kind: 'ed25519' as const, key: prepareEd25519PublicKey(v.ed25519.publicKeyPem) }],
    };
    const signers = [
      createHmacSigner(v.hmac.keyId, v.hmac.secret),
      createEd25519SignerFromSeed(v.ed25519.keyId, v.ed25519.privateSeedHex),
    ];
    for (const signer of signers) {
      const request = {
        method: 'DELETE',
        pathWithQuery: '/api/v1/accounts/a%20b/orders/o1?x=%C3%A9',
        body: undefined,
      };
      const h = signer.sign(request);
      const result = await verifySignedRequest(
        {
          ...request,
          headers: {
            key: h['PC-KEY'],
            timestamp: h['PC-TIMESTAMP'],
            nonce: h['PC-NONCE'],
            signature: h['PC-SIGNATURE'],
          },
        },
        { now: Date.now(), resolveKey: (id) => keys[id], nonces: new MemoryNonceCache() },
      );
      assert.equal(result.ok, true, signer.algorithm);
    }
  });

  test('a signer never shows its secret when logged or serialised', () => {
    const signer = createHmacSigner('key_1', 'super-secret-value-123');
    const shown = `${inspect(signer, { showHidden: true, depth: 5 })} ${JSON.stringify(signer)} ${String(signer)}`;
    assert.ok(!shown.includes('super-secret-value-123'));
    assert.deepEqual(JSON.parse(JSON.stringify(signer)), { keyId: 'key_1', algorithm: 'hmac-sha256' });
  });

  test('a malformed key id, nonce, timestamp, short secret or wrong key type is a programming error', () => {
    assert.throws(() => createHmacSigner('bad id', 'a-long-enough-secret'), TypeError);
    assert.throws(() => createHmacSigner('k', 'short'), TypeError);
    const signer = createHmacSigner('k', 'a-long-enough-secret');
    assert.throws(() => signer.sign({ method: 'GET', pathWithQuery: '/', nonce: 'short' }), TypeError);
    assert.throws(() => signer.sign({ method: 'GET', pathWithQuery: '/', timestamp: 1.5 }), TypeError);
    assert.throws(() => createEd25519SignerFromSeed('k', 'abcd'), TypeError);
  });
});
