import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeDeviceProof, SoftDevice } from '../../test/support/soft-device.ts';
import { deviceIdFromPublicKey, generateDeviceKeyPair } from './device-keys.ts';
import {
  createDeviceChallenge,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  describeClockSkew,
  deviceProofBytes,
  deviceProofMessage,
  formatDuration,
  signDeviceProof,
  verifyDeviceProof,
} from './device-proof.ts';

const now = 1_750_000_000_000;

async function setup(algorithm: 'Ed25519' | 'P-256' = 'Ed25519') {
  const device = await SoftDevice.create({ algorithm });
  const deviceId = deviceIdFromPublicKey(device.publicKeyPem);
  const challenge = createDeviceChallenge({ now });
  const prove = (timestamp: number) =>
    device.proveDevice({ challenge: challenge.challenge, deviceId, timestamp });
  return { device, deviceId, challenge, prove };
}

describe('device proof encoding', () => {
  it('the message is challenge, timestamp in ms and device id joined by LF, without a trailing LF', () => {
    const input = { challenge: 'Y2hhbGxlbmdl', timestamp: 1_750_000_000_123, deviceId: 'ZGV2aWNl' };
    assert.equal(deviceProofMessage(input), 'Y2hhbGxlbmdl\n1750000000123\nZGV2aWNl');
    assert.deepEqual(deviceProofBytes(input), encodeDeviceProof(input));
  });

  it('fields that could break the encoding are a programmer error', () => {
    const ok = { challenge: 'abc', timestamp: 1, deviceId: 'dev' };
    assert.throws(() => deviceProofMessage({ ...ok, challenge: 'a\nb' }), TypeError);
    assert.throws(() => deviceProofMessage({ ...ok, deviceId: '' }), TypeError);
    assert.throws(() => deviceProofMessage({ ...ok, timestamp: 1.5 }), TypeError);
  });

  it('a challenge carries 256 random bits and a lifetime', () => {
    const a = createDeviceChallenge({ now });
    assert.equal(Buffer.from(a.challenge, 'base64url').length, 32);
    assert.notEqual(a.challenge, createDeviceChallenge({ now }).challenge);
    assert.ok(a.expiresAt > now);
  });
});

describe('verifyDeviceProof', () => {
  for (const algorithm of ['Ed25519', 'P-256'] as const) {
    it(`when a ${algorithm} device signs the challenge with an accurate clock then it is accepted`, async () => {
      const { device, deviceId, challenge, prove } = await setup(algorithm);
      const result = verifyDeviceProof({
        challenge,
        proof: await prove(now + 1_200),
        publicKey: device.publicKeyPem,
        now,
      });
      assert.deepEqual(result, { ok: true, deviceId, skewMs: 1_200 });
    });
  }

  it('when the desktop client signs with its PEM key pair then it is accepted', () => {
    const pair = generateDeviceKeyPair();
    const deviceId = deviceIdFromPublicKey(pair.publicKeyPem);
    const challenge = createDeviceChallenge({ now });
    const proof = signDeviceProof({
      privateKeyPem: pair.privateKeyPem,
      challenge: challenge.challenge,
      deviceId,
      timestamp: now,
    });
    assert.equal(verifyDeviceProof({ challenge, proof, publicKey: pair.publicKeyPem, now }).ok, true);
  });

  it('when the clock is 3 min 12 s behind then CLOCK_SKEW says so in words', async () => {
    const { device, challenge, prove } = await setup();
    const result = verifyDeviceProof({
      challenge,
      proof: await prove(now - 192_000),
      publicKey: device.publicKeyPem,
      now,
    });
    assert.deepEqual(result, {
      ok: false,
      code: 'CLOCK_SKEW',
      skewMs: -192_000,
      message: "Your computer's clock is 3 min 12 s behind; correct it and sign in again.",
    });
  });

  it('when the clock is ahead by more than the bound then CLOCK_SKEW reports it ahead', async () => {
    const { device, challenge, prove } = await setup('P-256');
    const result = verifyDeviceProof({
      challenge,
      proof: await prove(now + 3_600_000 + 5_000),
      publicKey: device.publicJwk,
      now,
      deviceNoun: 'phone',
    });
    assert.equal(!result.ok && result.code, 'CLOCK_SKEW');
    assert.equal(
      !result.ok && result.message,
      "Your phone's clock is 1 h 5 s ahead; correct it and sign in again.",
    );
  });

  it('when the skew is exactly the bound on either side then it is accepted; one millisecond more is not', async () => {
    const { device, challenge, prove } = await setup();
    const check = async (skew: number) =>
      verifyDeviceProof({ challenge, proof: await prove(now + skew), publicKey: device.publicKeyPem, now });
    assert.equal((await check(DEFAULT_MAX_CLOCK_SKEW_MS)).ok, true);
    assert.equal((await check(-DEFAULT_MAX_CLOCK_SKEW_MS)).ok, true);
    const ahead = await check(DEFAULT_MAX_CLOCK_SKEW_MS + 1);
    const behind = await check(-DEFAULT_MAX_CLOCK_SKEW_MS - 1);
    assert.equal(!ahead.ok && ahead.code, 'CLOCK_SKEW');
    assert.equal(!behind.ok && behind.code, 'CLOCK_SKEW');
  });

  it('the bound is configurable', async () => {
    const { device, challenge, prove } = await setup();
    const proof = await prove(now - 10_000);
    assert.equal(
      verifyDeviceProof({ challenge, proof, publicKey: device.publicKeyPem, now, maxSkewMs: 5_000 }).ok,
      false,
    );
    assert.equal(
      verifyDeviceProof({ challenge, proof, publicKey: device.publicKeyPem, now, maxSkewMs: 10_000 }).ok,
      true,
    );
  });

  it('when the signature is bad then the clock is not reported, only DEVICE_BAD_SIGNATURE', async () => {
    const { device, challenge, prove } = await setup();
    const proof = await prove(now - 600_000);
    const tampered = { ...proof, timestamp: proof.timestamp + 1 };
    const result = verifyDeviceProof({ challenge, proof: tampered, publicKey: device.publicKeyPem, now });
    assert.deepEqual(result, {
      ok: false,
      code: 'DEVICE_BAD_SIGNATURE',
      message: 'The device signature is not valid.',
    });
  });

  it('when another challenge was signed then the signature is bad', async () => {
    const { device, prove } = await setup();
    const proof = await prove(now);
    const other = createDeviceChallenge({ now });
    const result = verifyDeviceProof({ challenge: other, proof, publicKey: device.publicKeyPem, now });
    assert.equal(!result.ok && result.code, 'DEVICE_BAD_SIGNATURE');
  });

  it('when the proof names another device then DEVICE_MISMATCH', async () => {
    const { device, challenge, prove } = await setup();
    const proof = await prove(now);
    const result = verifyDeviceProof({
      challenge,
      proof,
      publicKey: device.publicKeyPem,
      expectedDeviceId: 'dev_other',
      now,
    });
    assert.equal(!result.ok && result.code, 'DEVICE_MISMATCH');
  });

  it('when the challenge has expired then DEVICE_CHALLENGE_EXPIRED', async () => {
    const { device, challenge, prove } = await setup();
    const later = challenge.expiresAt + 1;
    const result = verifyDeviceProof({
      challenge,
      proof: await prove(later),
      publicKey: device.publicKeyPem,
      now: later,
    });
    assert.equal(!result.ok && result.code, 'DEVICE_CHALLENGE_EXPIRED');
  });

  it('when fields are missing or the signature is not base64 then DEVICE_PROOF_MALFORMED', async () => {
    const { device, challenge, prove } = await setup();
    const proof = await prove(now);
    for (const bad of [
      { ...proof, signature: '***' },
      { ...proof, timestamp: Number.NaN },
      { ...proof, deviceId: '' },
    ]) {
      const result = verifyDeviceProof({ challenge, proof: bad, publicKey: device.publicKeyPem, now });
      assert.equal(!result.ok && result.code, 'DEVICE_PROOF_MALFORMED');
    }
  });
});

describe('clock-skew wording', () => {
  it('durations read in days, hours, minutes and seconds, rounded to the second', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(45_400), '45 s');
    assert.equal(formatDuration(180_000), '3 min');
    assert.equal(formatDuration(192_000), '3 min 12 s');
    assert.equal(formatDuration(90_061_000), '1 d 1 h 1 min 1 s');
  });

  it('a negative skew is behind and a positive one ahead', () => {
    assert.match(describeClockSkew(-91_000), /1 min 31 s behind/);
    assert.match(describeClockSkew(91_000), /1 min 31 s ahead/);
  });
});
