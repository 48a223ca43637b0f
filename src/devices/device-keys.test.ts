import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { p1363ToDer, SoftDevice } from '../../test/support/soft-device.ts';
import {
  DeviceKeyError,
  decodeSignature,
  deviceIdFromPublicKey,
  generateDeviceKeyPair,
  importDevicePublicKey,
  signWithDeviceKey,
  verifyDeviceSignature,
} from './device-keys.ts';

const data = new TextEncoder().encode('hello device');

describe('device public keys', () => {
  it('an Ed25519 pair is generated as SPKI PEM and PKCS#8 PEM and signs verifiably', () => {
    const pair = generateDeviceKeyPair();
    assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    const key = importDevicePublicKey(pair.publicKeyPem);
    assert.equal(key.algorithm, 'Ed25519');
    assert.equal(verifyDeviceSignature(key, data, signWithDeviceKey(pair.privateKeyPem, data)), true);
  });

  it('the device id is base64url of SHA-256 over the SPKI DER, the same from PEM and from JWK', () => {
    const pair = generateDeviceKeyPair('P-256');
    const der = createPublicKey(pair.publicKeyPem).export({ type: 'spki', format: 'der' });
    const expected = createHash('sha256').update(der).digest('base64url');
    const jwk = createPublicKey(pair.publicKeyPem).export({ format: 'jwk' });
    assert.equal(deviceIdFromPublicKey(pair.publicKeyPem), expected);
    assert.equal(deviceIdFromPublicKey(jwk), expected);
    assert.match(expected, /^[A-Za-z0-9_-]{43}$/);
  });

  it('P-256 signatures verify both as WebCrypto P1363 and as DER', async () => {
    const p1363 = await SoftDevice.create({ algorithm: 'P-256' });
    const der = await SoftDevice.create({ algorithm: 'P-256', signatureEncoding: 'der' });
    for (const device of [p1363, der]) {
      const signature = await device.sign(data);
      assert.equal(signature[0] === 0x30 && signature.length !== 64, device.signatureEncoding === 'der');
      assert.equal(verifyDeviceSignature(importDevicePublicKey(device.publicJwk), data, signature), true);
    }
  });

  it('a DER signature made by node itself verifies', () => {
    const pair = generateDeviceKeyPair('P-256');
    const signature = new Uint8Array(sign('sha256', data, pair.privateKeyPem));
    assert.equal(verifyDeviceSignature(importDevicePublicKey(pair.publicKeyPem), data, signature), true);
  });

  it('Ed25519 keys from WebCrypto verify', async () => {
    const device = await SoftDevice.create({ algorithm: 'Ed25519' });
    const key = importDevicePublicKey(device.publicKeyPem);
    assert.equal(key.algorithm, 'Ed25519');
    assert.equal(verifyDeviceSignature(key, data, await device.sign(data)), true);
  });

  it('a signature over other data, a truncated one or garbage does not verify and does not throw', async () => {
    const device = await SoftDevice.create();
    const key = importDevicePublicKey(device.publicKeyPem);
    const signature = await device.sign(data);
    assert.equal(verifyDeviceSignature(key, new TextEncoder().encode('other'), signature), false);
    assert.equal(verifyDeviceSignature(key, data, signature.subarray(0, 63)), false);
    assert.equal(verifyDeviceSignature(key, data, new Uint8Array([0x30, 0x02, 0x01, 0x00])), false);
    assert.equal(verifyDeviceSignature(key, data, p1363ToDer(new Uint8Array(64))), false);
  });

  it('RSA, P-384 and private keys are refused as unsupported', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    for (const pem of [rsa.toString(), p384.toString(), 'not a key']) {
      assert.throws(
        () => importDevicePublicKey(pem),
        (e: unknown) => e instanceof DeviceKeyError && e.code === 'DEVICE_KEY_UNSUPPORTED',
      );
    }
  });

  it('signature text is decoded from base64url or base64 and anything else is refused', () => {
    assert.deepEqual(decodeSignature('AQID'), new Uint8Array([1, 2, 3]));
    assert.deepEqual(decodeSignature('_-8'), new Uint8Array([0xff, 0xef]));
    assert.deepEqual(decodeSignature('/+8='), new Uint8Array([0xff, 0xef]));
    assert.equal(decodeSignature('not base64!'), null);
    assert.equal(decodeSignature(''), null);
  });
});
