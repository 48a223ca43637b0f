import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_WITHDRAWAL_LIMITS, parseWithdrawalLimits, seedEntities, strongestTier } from './entities.ts';

test('the strongest second factor decides the tier; a password alone is "none"', () => {
  assert.equal(strongestTier(['password']), 'none');
  assert.equal(strongestTier(['password', 'sms']), 'sms');
  assert.equal(strongestTier(['sms', 'totp', 'push']), 'push');
  assert.equal(strongestTier(['webauthn', 'sms']), 'webauthn');
  assert.equal(strongestTier(['recovery_code']), 'none');
});

test('the withdrawal-limit table parses and rises with the factor', () => {
  const limits = parseWithdrawalLimits(DEFAULT_WITHDRAWAL_LIMITS);
  assert.ok(limits.none.lt(limits.sms) && limits.sms.lt(limits.totp) && limits.push.lt(limits.webauthn));
  assert.throws(() => parseWithdrawalLimits('none:1'), TypeError);
  assert.throws(() => parseWithdrawalLimits('bogus:1'), TypeError);
});

test('only the US entity offers forecast contracts', () => {
  const entities = seedEntities(parseWithdrawalLimits(DEFAULT_WITHDRAWAL_LIMITS));
  assert.deepEqual(
    entities.filter((e) => e.products.includes('forecast')).map((e) => e.region),
    ['US'],
  );
  assert.ok(entities.length >= 3);
});
