import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPassword, isCommonPassword, passwordLength } from './password-policy.ts';

const opts = { minLength: 12, maxLength: 256 };
const who = { loginName: 'alice', email: 'alice.smith@example.com' };

test('a password one character short of the minimum is rejected, saying so', () => {
  const r = checkPassword('a'.repeat(5) + 'bcdefg', who, opts);
  assert.equal(r?.code, 'PASSWORD_TOO_SHORT');
  assert.match(r!.message, /at least 12 characters/);
  assert.equal(checkPassword('zq8#vT!mW2pL', who, opts), null);
});

test('length counts characters, not bytes or UTF-16 units: 12 emoji are 12 characters', () => {
  assert.equal(passwordLength('🔒'.repeat(12)), 12);
  assert.equal(checkPassword('🔒'.repeat(12), who, opts), null);
  assert.equal(checkPassword('🔒'.repeat(11), who, opts)?.code, 'PASSWORD_TOO_SHORT');
});

test('Unicode is normalised (NFKC) before counting: a decomposed é counts once', () => {
  assert.equal(passwordLength('e\u0301'), 1);
});

test('at least 64 characters are accepted and the maximum is enforced', () => {
  assert.equal(checkPassword('x7'.repeat(32), who, opts), null);
  assert.equal(checkPassword('x7'.repeat(128), who, opts), null);
  assert.equal(checkPassword('x7'.repeat(128) + 'y', who, opts)?.code, 'PASSWORD_TOO_LONG');
});

test('no composition rules: a long all-lowercase passphrase is fine', () => {
  assert.equal(checkPassword('tangerine bicycle umbrella', who, opts), null);
});

test('common and breached passwords are rejected whatever their case', () => {
  assert.equal(isCommonPassword('password1234'), true);
  assert.equal(checkPassword('PASSWORD1234', who, opts)?.code, 'PASSWORD_COMMON');
  assert.equal(checkPassword('qwertyuiop123', who, opts)?.code, 'PASSWORD_COMMON');
});

test('a password containing the login name or the email is rejected, naming which', () => {
  const byName = checkPassword('my-ALICE-password-x', who, opts);
  assert.equal(byName?.code, 'PASSWORD_CONTAINS_IDENTIFIER');
  assert.deepEqual(byName && 'details' in byName ? byName.details : null, { identifier: 'login name' });
  const byEmail = checkPassword('zz alice.smith zz9', { loginName: 'asmith', email: who.email }, opts);
  assert.equal(byEmail?.code, 'PASSWORD_CONTAINS_IDENTIFIER');
  assert.match(byEmail!.message, /email/);
});
