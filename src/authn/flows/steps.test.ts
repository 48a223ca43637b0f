import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GuessLimiter } from '../guess-limiter.ts';
import { levelOf } from './levels.ts';

describe('session level from factor uses', () => {
  it('the password alone is AAL1 (a set-up session)', () => {
    assert.equal(levelOf([{ method: 'password', at: 1 }]), 1);
  });
  it('password + TOTP is AAL2; password + a hardware-bound key with UV is AAL3', () => {
    assert.equal(
      levelOf([
        { method: 'password', at: 1 },
        { method: 'totp', at: 2 },
      ]),
      2,
    );
    assert.equal(
      levelOf([
        { method: 'password', at: 1 },
        { method: 'webauthn', at: 2, hardwareBound: true, userVerified: true },
      ]),
      3,
    );
  });
  it('a remembered browser lifts the sign-in to AAL2 but adds no factor use of its own', () => {
    assert.equal(
      levelOf([
        { method: 'password', at: 1 },
        { method: 'remembered_device', at: 1 },
      ]),
      2,
    );
  });
  it('an unknown method claimed in a session counts for nothing', () => {
    assert.equal(
      levelOf([
        { method: 'password', at: 1 },
        { method: 'magic', at: 2 },
      ]),
      1,
    );
  });
});

describe('per-account guessing limit', () => {
  it('refuses after the limit within the hour and forgets failures older than an hour', async () => {
    let now = 0;
    const limiter = new GuessLimiter({ limit: 3, now: () => now });
    for (let i = 0; i < 3; i++) {
      await limiter.check('factor:u');
      await limiter.fail('factor:u');
    }
    await assert.rejects(limiter.check('factor:u'), { code: 'FACTOR_GUESS_LIMIT' });
    await limiter.check('factor:other');
    now += 3_600_001;
    await limiter.check('factor:u');
  });
});
