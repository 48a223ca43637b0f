import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Secret, URI } from 'otpauth';
import {
  generateTotpSecret,
  hotpCode,
  type OtpAlgorithm,
  totpCode,
  totpCounter,
  totpFactor,
  totpQrCode,
  totpUri,
  verifyTotp,
} from './totp.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const vectorsPath = `${repoRoot}test/vectors/otp.json`;
const sharedVectorsPath = `${repoRoot}../shared/vectors/otp.json`;

interface OtpVectors {
  hotp: { secretAscii: string; digits: number; codes: string[] };
  totp: {
    step: number;
    t0: number;
    digits: number;
    secretsAscii: Record<OtpAlgorithm, string>;
    cases: ({ time: number } & Record<OtpAlgorithm, string>)[];
  };
}

const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8')) as OtpVectors;
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('OTP vectors (RFC 4226 Appendix D, RFC 6238 Appendix B)', () => {
  it('the repository copy of the vectors is identical to the shared one when present', (t) => {
    if (!existsSync(sharedVectorsPath)) return t.skip('no ../shared/vectors/otp.json beside the repository');
    assert.equal(readFileSync(vectorsPath, 'utf8'), readFileSync(sharedVectorsPath, 'utf8'));
  });

  vectors.hotp.codes.forEach((expected, counter) => {
    it(`HOTP counter ${counter} gives ${expected}`, () => {
      const secret = ascii(vectors.hotp.secretAscii);
      assert.equal(hotpCode({ secret, counter, digits: vectors.hotp.digits }), expected);
    });
  });

  for (const row of vectors.totp.cases) {
    for (const algorithm of ['SHA1', 'SHA256', 'SHA512'] as const) {
      it(`TOTP ${algorithm} at T=${row.time} gives ${row[algorithm]}`, () => {
        const code = totpCode({
          secret: ascii(vectors.totp.secretsAscii[algorithm]),
          timestampMs: (row.time - vectors.totp.t0) * 1000,
          algorithm,
          digits: vectors.totp.digits,
          periodSeconds: vectors.totp.step,
        });
        assert.equal(code, row[algorithm]);
      });
    }
  }
});

describe('TOTP enrolment material', () => {
  it('a generated secret has at least 160 bits and differs every time', () => {
    const a = generateTotpSecret();
    assert.ok(Secret.fromBase32(a).bytes.length >= 20);
    assert.notEqual(a, generateTotpSecret());
  });

  it('the key URI names issuer Portcullis, the account, SHA1, 6 digits and 30 s', () => {
    const secret = generateTotpSecret();
    const uri = totpUri({ secret, account: 'alice@example.com' });
    assert.match(uri, /^otpauth:\/\/totp\/Portcullis:alice%40example\.com\?/);
    const parsed = URI.parse(uri);
    assert.equal(parsed.issuer, 'Portcullis');
    assert.equal(parsed.label, 'alice@example.com');
    assert.equal(parsed.secret.base32, secret);
    assert.equal(parsed.algorithm, 'SHA1');
    assert.equal(parsed.digits, 6);
    assert.ok('period' in parsed && parsed.period === 30);
  });

  it('the QR code is a PNG data URL and an SVG document', async () => {
    const qr = await totpQrCode(totpUri({ secret: generateTotpSecret(), account: 'bob' }));
    assert.match(qr.pngDataUrl, /^data:image\/png;base64,/);
    const png = Buffer.from(qr.pngDataUrl.split(',')[1] ?? '', 'base64');
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.match(qr.svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});

describe('verifyTotp', () => {
  const secret = generateTotpSecret();
  const now = 1_750_000_000_000;
  const step = 30_000;

  it('when the current code is given then its time step is returned', () => {
    const result = verifyTotp({
      secret,
      code: totpCode({ secret, timestampMs: now }),
      now,
      lastCounter: null,
    });
    assert.deepEqual(result, { ok: true, counter: totpCounter(now) });
  });

  it('when the code is one step old or one step ahead then it is accepted with that step', () => {
    const previous = verifyTotp({
      secret,
      code: totpCode({ secret, timestampMs: now - step }),
      now,
      lastCounter: null,
    });
    const next = verifyTotp({
      secret,
      code: totpCode({ secret, timestampMs: now + step }),
      now,
      lastCounter: null,
    });
    assert.deepEqual(previous, { ok: true, counter: totpCounter(now) - 1 });
    assert.deepEqual(next, { ok: true, counter: totpCounter(now) + 1 });
  });

  it('when the code is two steps away then it is invalid', () => {
    const code = totpCode({ secret, timestampMs: now - 2 * step });
    assert.deepEqual(verifyTotp({ secret, code, now, lastCounter: null }), {
      ok: false,
      code: 'TOTP_INVALID',
    });
  });

  it('when the same code is submitted again then it is a replay', () => {
    const code = totpCode({ secret, timestampMs: now });
    const first = verifyTotp({ secret, code, now, lastCounter: null });
    assert.ok(first.ok);
    const again = verifyTotp({ secret, code, now: now + 5_000, lastCounter: first.counter });
    assert.deepEqual(again, { ok: false, code: 'TOTP_REPLAYED' });
  });

  it('when an older code in the window arrives after a newer one was accepted then it is a replay', () => {
    const code = totpCode({ secret, timestampMs: now - step });
    const result = verifyTotp({ secret, code, now, lastCounter: totpCounter(now) });
    assert.deepEqual(result, { ok: false, code: 'TOTP_REPLAYED' });
  });

  it('when the input is not six digits then it is malformed; spaces are tolerated', () => {
    assert.deepEqual(verifyTotp({ secret, code: '12345', now, lastCounter: null }), {
      ok: false,
      code: 'TOTP_MALFORMED',
    });
    assert.deepEqual(verifyTotp({ secret, code: 'abcdef', now, lastCounter: null }), {
      ok: false,
      code: 'TOTP_MALFORMED',
    });
    const spaced = totpCode({ secret, timestampMs: now }).replace(/^(\d{3})/, '$1 ');
    assert.equal(verifyTotp({ secret, code: spaced, now, lastCounter: null }).ok, true);
  });
});

describe('totpFactor', () => {
  const base = { userId: 'usr_1', label: 'Phone app', account: 'alice' };
  const t0 = 1_750_000_000_000;

  it('enrol, confirm with a code, verify a later code, refuse its replay, then remove', async () => {
    const { record, enrollment } = await totpFactor.enroll(base, { now: t0 });
    assert.equal(record.status, 'pending');
    assert.equal(enrollment.uri.includes(enrollment.secret), true);

    const confirmed = await totpFactor.confirm(
      record,
      { code: totpCode({ secret: enrollment.secret, timestampMs: t0 }) },
      { now: t0 },
    );
    assert.ok(confirmed.ok);
    assert.equal(confirmed.record.status, 'active');
    assert.equal(confirmed.used.method, 'totp');

    const later = t0 + 60_000;
    const code = totpCode({ secret: enrollment.secret, timestampMs: later });
    const verified = await totpFactor.verify(confirmed.record, { code }, { now: later });
    assert.ok(verified.ok);
    assert.equal(verified.record.lastUsedAt, later);

    const replay = await totpFactor.verify(verified.record, { code }, { now: later + 1_000 });
    assert.equal(replay.ok, false);
    assert.equal(!replay.ok && replay.code, 'TOTP_REPLAYED');

    const gone = totpFactor.remove(verified.record, { now: later });
    assert.equal(gone.status, 'removed');
    const afterRemoval = await totpFactor.verify(gone, { code }, { now: later });
    assert.equal(!afterRemoval.ok && afterRemoval.code, 'FACTOR_NOT_ACTIVE');
  });

  it('when a pending factor is used for sign-in then it is refused as not active', async () => {
    const { record, enrollment } = await totpFactor.enroll(base, { now: t0 });
    const code = totpCode({ secret: enrollment.secret, timestampMs: t0 });
    const result = await totpFactor.verify(record, { code }, { now: t0 });
    assert.equal(!result.ok && result.code, 'FACTOR_NOT_ACTIVE');
  });
});
