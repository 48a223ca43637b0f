import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PasswordHasher } from './hasher.ts';

const hasher = new PasswordHasher({ memoryKib: 8192, timeCost: 1, parallelism: 1 });

test('hashes are argon2id with the configured parameters and verify only the same password', async () => {
  const h = await hasher.hash('correct horse battery staple');
  assert.match(h, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
  assert.equal(await hasher.verify(h, 'correct horse battery staple'), true);
  assert.equal(await hasher.verify(h, 'correct horse battery staplf'), false);
});

test('every character counts: passwords differing only at character 100 do not match (no truncation)', async () => {
  const base = 'a'.repeat(99);
  const h = await hasher.hash(`${base}X`);
  assert.equal(await hasher.verify(h, `${base}Y`), false);
  assert.equal(await hasher.verify(h, `${base}X`), true);
});

test('a password typed in composed or decomposed Unicode verifies the same', async () => {
  const h = await hasher.hash('caf\u00e9 au lait ok!');
  assert.equal(await hasher.verify(h, 'cafe\u0301 au lait ok!'), true);
});

test('the dummy verification always fails and a malformed stored hash is a mismatch, not a crash', async () => {
  assert.equal(await hasher.verifyDummy('anything'), false);
  assert.equal(await hasher.verify('not-a-hash', 'anything'), false);
});

test('hashes made with other parameters are flagged for re-hashing', async () => {
  const other = new PasswordHasher({ memoryKib: 8192, timeCost: 2, parallelism: 1 });
  assert.equal(hasher.needsRehash(await other.hash('abcdefghijklm')), true);
  assert.equal(hasher.needsRehash(await hasher.hash('abcdefghijklm')), false);
});
