import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryNonceCache } from '../limits/nonce-cache.ts';
import {
  canonicalString,
  prepareEd25519PublicKey,
  prepareHmacKey,
  readSignatureHeaders,
  type SignedRequest,
  signEd25519,
  signHmac,
  type VerificationKey,
  verifyEd25519,
  verifyHmac,
  verifySignedRequest,
} from './signing.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const vectorsText = readFileSync(`${repoRoot}test/vectors/signing.json`, 'utf8');
const v = JSON.parse(vectorsText);

const hmacKey: VerificationKey = { kind: 'hmac', key: prepareHmacKey(v.hmac.secret), secretId: 'current' };
const edKey: VerificationKey = { kind: 'ed25519', key: prepareEd25519PublicKey(v.ed25519.publicKeyPem) };
const keys: Record<string, VerificationKey[]> = { [v.hmac.keyId]: [hmacKey], [v.ed25519.keyId]: [edKey] };

function vectorRequest(
  keyId: string,
  signature: string,
  overrides: Partial<SignedRequest> = {},
): SignedRequest {
  return {
    headers: { key: keyId, timestamp: String(v.request.timestamp), nonce: v.request.nonce, signature },
    method: v.request.method,
    pathWithQuery: v.request.pathWithQuery,
    body: v.request.body,
    ...overrides,
  };
}

function options(now = v.request.timestamp as number) {
  return { now, resolveKey: (id: string) => keys[id], nonces: new MemoryNonceCache() };
}

describe('shared signing vectors', () => {
  test('the repository copy is identical to the shared contract vectors when they are present', (t) => {
    const shared = `${repoRoot}../shared/vectors/signing.json`;
    if (!existsSync(shared)) return t.skip('no ../shared next to the repository');
    assert.equal(vectorsText, readFileSync(shared, 'utf8'));
  });

  test('the canonical string is reproduced exactly', () => {
    const canonical = canonicalString({ ...v.request, body: v.request.body });
    assert.equal(canonical, v.canonical);
  });

  test('the HMAC-SHA256 signature is reproduced exactly', () => {
    assert.equal(signHmac(hmacKey.key, v.canonical), v.hmac.signature);
  });

  test('the Ed25519 signature from the vector seed is reproduced exactly and verifies', () => {
    const pkcs8 = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(v.ed25519.privateSeedHex, 'hex'),
    ]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    assert.equal(signEd25519(privateKey, v.canonical), v.ed25519.signature);
    assert.equal(verifyEd25519(edKey.key, v.canonical, v.ed25519.signature), true);
  });
});

describe('canonical string', () => {
  test('the method is upper-cased and an absent body hashes as the empty string', () => {
    const canonical = canonicalString({
      timestamp: 1,
      nonce: 'abcdefgh',
      method: 'get',
      pathWithQuery: '/x?a=1',
    });
    assert.equal(
      canonical,
      '1\nabcdefgh\nGET\n/x?a=1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  test('a byte body and the same text as a string hash identically', () => {
    const parts = { timestamp: 1, nonce: 'abcdefgh', method: 'POST', pathWithQuery: '/' };
    assert.equal(
      canonicalString({ ...parts, body: Buffer.from('{"a":"é"}') }),
      canonicalString({ ...parts, body: '{"a":"é"}' }),
    );
  });
});

describe('primitive verification', () => {
  test('HMAC verification refuses a signature with one character changed or of the wrong length', () => {
    const flipped = (v.hmac.signature[0] === 'A' ? 'B' : 'A') + v.hmac.signature.slice(1);
    assert.equal(verifyHmac(hmacKey.key, v.canonical, flipped), false);
    assert.equal(verifyHmac(hmacKey.key, v.canonical, v.hmac.signature.slice(1)), false);
  });

  test('Ed25519 verification refuses a non-canonical base64url spelling of a valid signature', () => {
    const s = v.ed25519.signature as string;
    const last = s.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!; // same decoded bytes, different trailing bits
    assert.equal(
      Buffer.from(s.slice(0, -1) + sibling, 'base64url').equals(Buffer.from(s, 'base64url')),
      true,
    );
    assert.equal(verifyEd25519(edKey.key, v.canonical, s.slice(0, -1) + sibling), false);
  });

  test('preparing a non-Ed25519 public key or a short HMAC secret is a programming error', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(
      () => prepareEd25519PublicKey(publicKey.export({ type: 'spki', format: 'pem' }) as string),
      TypeError,
    );
    assert.throws(() => prepareHmacKey('short'), TypeError);
  });
});

describe('verifySignedRequest', () => {
  test('the HMAC and Ed25519 vector requests verify and report the matched key', async () => {
    const hmac = await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), options());
    assert.equal(hmac.ok && hmac.matched.secretId, 'current');
    const ed = await verifySignedRequest(vectorRequest(v.ed25519.keyId, v.ed25519.signature), options());
    assert.equal(ed.ok && ed.keyId, v.ed25519.keyId);
  });

  test('when_a_header_is_missing_then_SIGNATURE_MISSING', async () => {
    const request = vectorRequest(v.hmac.keyId, v.hmac.signature);
    const result = await verifySignedRequest(
      { ...request, headers: { ...request.headers, nonce: undefined } },
      options(),
    );
    assert.equal(!result.ok && result.code, 'SIGNATURE_MISSING');
  });

  test('when_the_nonce_is_not_8_to_64_base64url_characters_then_SIGNATURE_MISSING', async () => {
    for (const nonce of ['short', 'x'.repeat(65), 'has space!', 'bm9uY2U=']) {
      const request = vectorRequest(v.hmac.keyId, v.hmac.signature);
      const result = await verifySignedRequest(
        { ...request, headers: { ...request.headers, nonce } },
        options(),
      );
      assert.equal(!result.ok && result.code, 'SIGNATURE_MISSING', nonce);
    }
  });

  test('when_the_timestamp_is_not_plain_unix_milliseconds_then_SIGNATURE_MISSING', async () => {
    for (const timestamp of ['1764000000.5', '-1', '01764000000000', '2025-11-24T00:00:00Z']) {
      const request = vectorRequest(v.hmac.keyId, v.hmac.signature);
      const result = await verifySignedRequest(
        { ...request, headers: { ...request.headers, timestamp } },
        options(),
      );
      assert.equal(!result.ok && result.code, 'SIGNATURE_MISSING', timestamp);
    }
  });

  test('when_the_clock_is_off_by_more_than_5_s_then_TIMESTAMP_OUT_OF_WINDOW_with_server_time_and_skew', async () => {
    const now = v.request.timestamp + 5001;
    const result = await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), options(now));
    assert.deepEqual(result, {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
      details: { serverTime: now, skewMs: -5001, windowMs: 5000 },
    });
    const ahead = await verifySignedRequest(
      vectorRequest(v.hmac.keyId, v.hmac.signature),
      options(v.request.timestamp - 5001),
    );
    assert.equal(!ahead.ok && ahead.details['skewMs'], 5001, 'positive skew: the client clock is ahead');
  });

  test('the window is inclusive at 5 s and configurable up to 60 s', async () => {
    const edge = await verifySignedRequest(
      vectorRequest(v.hmac.keyId, v.hmac.signature),
      options(v.request.timestamp + 5000),
    );
    assert.equal(edge.ok, true);
    const wide = await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), {
      ...options(v.request.timestamp + 59_000),
      windowMs: 60_000,
    });
    assert.equal(wide.ok, true);
    await assert.rejects(
      verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), { ...options(), windowMs: 60_001 }),
      TypeError,
    );
  });

  test('when_the_same_nonce_is_used_twice_with_one_key_then_REPLAYED_REQUEST', async () => {
    const opts = options();
    assert.equal((await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), opts)).ok, true);
    const replay = await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), opts);
    assert.equal(!replay.ok && replay.code, 'REPLAYED_REQUEST');
  });

  test('a forged request does not consume the nonce of the genuine one', async () => {
    const opts = options();
    const forged = await verifySignedRequest(vectorRequest(v.hmac.keyId, 'A'.repeat(43)), opts);
    assert.equal(!forged.ok && forged.code, 'INVALID_SIGNATURE');
    assert.equal((await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), opts)).ok, true);
  });

  test('when_any_signed_part_changes_then_INVALID_SIGNATURE', async () => {
    const changes: Partial<SignedRequest>[] = [
      { method: 'PUT' },
      { pathWithQuery: '/api/v1/accounts/acc_123/orders?dryRun=true' },
      { body: v.request.body.replace('10', '11') },
      { body: undefined },
    ];
    for (const change of changes) {
      const result = await verifySignedRequest(
        vectorRequest(v.hmac.keyId, v.hmac.signature, change),
        options(),
      );
      assert.equal(!result.ok && result.code, 'INVALID_SIGNATURE', JSON.stringify(change));
    }
  });

  test('an unknown key answers INVALID_SIGNATURE too, telling the difference only in log-only facts', async () => {
    const result = await verifySignedRequest(vectorRequest('key_nobody', v.hmac.signature), options());
    assert.deepEqual(result, {
      ok: false,
      code: 'INVALID_SIGNATURE',
      details: {},
      internal: { keyId: 'key_nobody', reason: 'unknown_key' },
    });
  });

  test('during rotation both the new and the old secret verify, and the match says which', async () => {
    const rotated = {
      kind: 'hmac' as const,
      key: prepareHmacKey('a-brand-new-secret-value'),
      secretId: 'new',
    };
    const result = await verifySignedRequest(vectorRequest(v.hmac.keyId, v.hmac.signature), {
      ...options(),
      resolveKey: () => [rotated, hmacKey],
    });
    assert.equal(result.ok && result.matched.secretId, 'current');
  });
});

describe('reading headers', () => {
  test('reads Node lower-cased header records and fetch Headers alike', () => {
    const record = { 'pc-key': 'k', 'pc-timestamp': '1', 'pc-nonce': 'n', 'pc-signature': 's' };
    const expected = { key: 'k', timestamp: '1', nonce: 'n', signature: 's' };
    assert.deepEqual(readSignatureHeaders(record), expected);
    assert.deepEqual(
      readSignatureHeaders(
        new Headers({ 'PC-KEY': 'k', 'PC-TIMESTAMP': '1', 'PC-NONCE': 'n', 'PC-SIGNATURE': 's' }),
      ),
      expected,
    );
  });

  test('a repeated header is treated as missing', () => {
    assert.equal(readSignatureHeaders({ 'pc-key': ['a', 'b'] }).key, undefined);
  });
});
