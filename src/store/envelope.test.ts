import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KeyRing } from './envelope.ts';

const k1 = { kid: 'k1', key: randomBytes(32) };
const k2 = { kid: 'k2', key: randomBytes(32) };

test('a sealed secret opens with the same associated data and never shows the plaintext', () => {
  const ring = new KeyRing([k1]);
  const sealed = ring.seal('JBSWY3DPEHPK3PXP', 'factor:f1');
  assert.ok(!sealed.includes('JBSWY3DPEHPK3PXP'));
  assert.match(sealed, /^v1\.k1\./);
  assert.equal(ring.open(sealed, 'factor:f1').toString(), 'JBSWY3DPEHPK3PXP');
});

test('two seals of the same value differ (fresh data key and IV)', () => {
  const ring = new KeyRing([k1]);
  assert.notEqual(ring.seal('x', 'a'), ring.seal('x', 'a'));
});

test('opening with other associated data fails, so ciphertexts cannot move between rows', () => {
  const ring = new KeyRing([k1]);
  assert.throws(() => ring.open(ring.seal('secret', 'factor:f1'), 'factor:f2'));
});

test('a flipped ciphertext byte fails authentication', () => {
  const ring = new KeyRing([k1]);
  const parts = ring.seal('secret', 'a').split('.');
  const ct = Buffer.from(parts[4]!, 'base64url');
  ct[0]! ^= 1;
  parts[4] = ct.toString('base64url');
  assert.throws(() => ring.open(parts.join('.'), 'a'));
});

test('rotation: a new active key still opens old values, and reseal moves them to the new key', () => {
  const old = new KeyRing([k1]);
  const sealed = old.seal('secret', 'a');
  const rotated = new KeyRing([k2, k1]);
  assert.equal(rotated.open(sealed, 'a').toString(), 'secret');
  const moved = rotated.reseal(sealed, 'a');
  assert.match(moved, /^v1\.k2\./);
  assert.equal(new KeyRing([k2]).open(moved, 'a').toString(), 'secret');
  assert.throws(() => new KeyRing([k2]).open(sealed, 'a'), /unknown key-encryption key id k1/);
});

test('KeyRing.parse reads "kid:base64" lists and rejects keys of the wrong size', () => {
  const ring = KeyRing.parse(
    `a:${randomBytes(32).toString('base64')},b:${randomBytes(32).toString('base64url')}`,
  );
  assert.equal(ring.activeKid, 'a');
  assert.throws(() => KeyRing.parse(`a:${randomBytes(16).toString('base64')}`), TypeError);
});
