import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  markRecoveryCodeUsed,
  matchRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeFactor,
  remainingRecoveryCodes,
  storeRecoveryCodes,
} from './recovery-codes.ts';

const pepper = randomBytes(32);

describe('recovery code generation', () => {
  it('makes ten distinct xxxxx-xxxxx codes from an alphabet without I, L, O or U (50 bits each)', () => {
    const codes = generateRecoveryCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    assert.ok(10 * Math.log2(32) >= 50);
  });

  it('uses every character of the alphabet over many codes', () => {
    const seen = new Set(generateRecoveryCodes(200).join('').replaceAll('-', ''));
    assert.equal(seen.size, 32);
  });
});

describe('recovery code input', () => {
  it('ignores case, spaces and dashes and reads o as 0 and i or l as 1', () => {
    assert.equal(normalizeRecoveryCode(' AB0DE-1FGHJ '), 'ab0de1fghj');
    assert.equal(normalizeRecoveryCode('abode ifghj'), 'ab0de1fghj');
    assert.equal(normalizeRecoveryCode('ABODE-LFGHJ'), 'ab0de1fghj');
  });

  it('refuses input of the wrong length or with characters outside the alphabet', () => {
    assert.equal(normalizeRecoveryCode('abcde-fghj'), null);
    assert.equal(normalizeRecoveryCode('abcde-fghjkm'), null);
    assert.equal(normalizeRecoveryCode('abcde-fghju'), null);
    assert.equal(normalizeRecoveryCode('abcde_fghjk'), null);
  });
});

describe('recovery code storage and matching', () => {
  it('hashes are keyed by the pepper: the same code hashes differently under another pepper', () => {
    const [code] = generateRecoveryCodes(1);
    assert.ok(code);
    assert.notEqual(hashRecoveryCode(code, pepper), hashRecoveryCode(code, randomBytes(32)));
    assert.equal(
      hashRecoveryCode(code, pepper),
      hashRecoveryCode(code.toUpperCase().replace('-', ' '), pepper),
    );
    assert.equal(hashRecoveryCode(code, pepper).includes(code.replace('-', '')), false);
  });

  it('a short pepper is a programmer error', () => {
    assert.throws(() => hashRecoveryCode('abcde-fghjk', randomBytes(16)), TypeError);
  });

  it('tells which code matched, whatever its position', () => {
    const codes = generateRecoveryCodes();
    const stored = storeRecoveryCodes(codes, pepper);
    codes.forEach((code, index) => {
      assert.deepEqual(matchRecoveryCode(code.toUpperCase(), stored, pepper), { ok: true, index });
    });
  });

  it('a used code is refused as RECOVERY_CODE_USED and the others still work', () => {
    const codes = generateRecoveryCodes();
    const stored = markRecoveryCodeUsed(storeRecoveryCodes(codes, pepper), 3, 1_000);
    assert.deepEqual(matchRecoveryCode(codes[3] ?? '', stored, pepper), {
      ok: false,
      code: 'RECOVERY_CODE_USED',
    });
    assert.deepEqual(matchRecoveryCode(codes[4] ?? '', stored, pepper), { ok: true, index: 4 });
    assert.equal(remainingRecoveryCodes(stored), 9);
  });

  it('an unknown code is RECOVERY_CODE_INVALID and garbage is RECOVERY_CODE_MALFORMED', () => {
    const stored = storeRecoveryCodes(generateRecoveryCodes(), pepper);
    const [other] = generateRecoveryCodes(1);
    assert.deepEqual(matchRecoveryCode(other ?? '', stored, pepper), {
      ok: false,
      code: 'RECOVERY_CODE_INVALID',
    });
    assert.deepEqual(matchRecoveryCode('hello', stored, pepper), {
      ok: false,
      code: 'RECOVERY_CODE_MALFORMED',
    });
  });
});

describe('recoveryCodeFactor', () => {
  it('enrol shows the codes once and stores only hashes; each code signs in once', async () => {
    const { record, enrollment } = await recoveryCodeFactor.enroll(
      { userId: 'usr_1', label: 'Recovery codes', pepper },
      { now: 1 },
    );
    assert.equal(enrollment.codes.length, 10);
    assert.equal(JSON.stringify(record).includes(enrollment.codes[0]?.slice(0, 5) ?? '?'), false);

    const confirmed = await recoveryCodeFactor.confirm(record, { acknowledged: true }, { now: 2 });
    assert.ok(confirmed.ok);
    const code = enrollment.codes[7] ?? '';
    const first = await recoveryCodeFactor.verify(confirmed.record, { code, pepper }, { now: 3 });
    assert.ok(first.ok);
    assert.equal(first.used.method, 'recovery_code');
    assert.equal(first.record.data.codes[7]?.usedAt, 3);
    const again = await recoveryCodeFactor.verify(first.record, { code, pepper }, { now: 4 });
    assert.equal(!again.ok && again.code, 'RECOVERY_CODE_USED');
  });
});
