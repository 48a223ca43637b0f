import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SoftDevice } from '../../../test/support/soft-device.ts';
import { DeviceKeyError, generateDeviceKeyPair } from '../../devices/device-keys.ts';
import { createDeviceChallenge, signDeviceProof } from '../../devices/device-proof.ts';
import { computeAal } from './assurance.ts';
import { deviceKeyFactor, pushFactor } from './device-factors.ts';
import { createPushChallenge } from './push.ts';

const t0 = 1_750_000_000_000;
const base = { userId: 'usr_1', label: 'Pixel 9' };

async function enrolledPhone() {
  const phone = await SoftDevice.create({ algorithm: 'P-256' });
  const { record, enrollment } = await pushFactor.enroll(
    { ...base, publicKey: phone.publicJwk, keyRequiresUserVerification: true },
    { now: t0 },
  );
  const proof = await phone.proveDevice({
    ...enrollment,
    challenge: enrollment.challenge.challenge,
    timestamp: t0 + 500,
  });
  const confirmed = await pushFactor.confirm(record, { proof }, { now: t0 + 1_000 });
  assert.ok(confirmed.ok);
  return { phone, record: confirmed.record };
}

describe('pushFactor', () => {
  it('enrolment proves possession of the device key before the factor is active', async () => {
    const { record } = await enrolledPhone();
    assert.equal(record.status, 'active');
    assert.equal(record.data.pendingChallenge, null);
    assert.equal(record.data.algorithm, 'P-256');
    assert.match(record.data.publicKeySpkiPem, /BEGIN PUBLIC KEY/);
  });

  it('an approved push with number matching and UV is a used factor worth AAL2 with a password', async () => {
    const { phone, record } = await enrolledPhone();
    const challenge = createPushChallenge({ now: t0 + 2_000 });
    const response = await phone.decide(challenge, 'approve', challenge.number);
    const result = await pushFactor.verify(record, { challenge, response }, { now: t0 + 5_000 });
    assert.ok(result.ok);
    assert.deepEqual(result.used, { method: 'push', at: t0 + 5_000, userVerified: true });
    assert.equal(computeAal([{ method: 'password', at: t0 }, result.used]).aal, 2);
  });

  it('a deny is reported as PUSH_DENIED', async () => {
    const { phone, record } = await enrolledPhone();
    const challenge = createPushChallenge({ now: t0 });
    const response = await phone.decide(challenge, 'deny', challenge.number);
    const result = await pushFactor.verify(record, { challenge, response }, { now: t0 + 1 });
    assert.equal(!result.ok && result.code, 'PUSH_DENIED');
  });

  it('a proof signed by another key does not confirm the enrolment', async () => {
    const phone = await SoftDevice.create();
    const thief = await SoftDevice.create();
    const { record, enrollment } = await pushFactor.enroll(
      { ...base, publicKey: phone.publicKeyPem },
      { now: t0 },
    );
    const proof = await thief.proveDevice({
      ...enrollment,
      challenge: enrollment.challenge.challenge,
      timestamp: t0,
    });
    const result = await pushFactor.confirm(record, { proof }, { now: t0 });
    assert.equal(!result.ok && result.code, 'DEVICE_BAD_SIGNATURE');
    assert.equal(result.record.status, 'pending');
  });

  it('an unsupported public key is refused at enrolment with DEVICE_KEY_UNSUPPORTED', async () => {
    await assert.rejects(pushFactor.enroll({ ...base, publicKey: 'garbage' }, { now: t0 }), DeviceKeyError);
  });
});

describe('deviceKeyFactor', () => {
  function desktop() {
    const pair = generateDeviceKeyPair('Ed25519');
    return {
      pair,
      sign: (challenge: string, deviceId: string, timestamp: number) =>
        signDeviceProof({ privateKeyPem: pair.privateKeyPem, challenge, deviceId, timestamp }),
    };
  }

  it('a desktop installation enrols, then proves itself at sign-in; without UV it is a plain possession factor', async () => {
    const { pair, sign } = desktop();
    const { record, enrollment } = await deviceKeyFactor.enroll(
      { ...base, publicKey: pair.publicKeyPem },
      { now: t0 },
    );
    const confirmed = await deviceKeyFactor.confirm(
      record,
      { proof: sign(enrollment.challenge.challenge, enrollment.deviceId, t0) },
      { now: t0 },
    );
    assert.ok(confirmed.ok);

    const challenge = createDeviceChallenge({ now: t0 + 10_000 });
    const proof = sign(challenge.challenge, enrollment.deviceId, t0 + 10_000);
    const result = await deviceKeyFactor.verify(confirmed.record, { challenge, proof }, { now: t0 + 10_000 });
    assert.ok(result.ok);
    assert.deepEqual(result.used, { method: 'device_key', at: t0 + 10_000, userVerified: false });
    assert.equal(computeAal([result.used]).aal, 1);
  });

  it('a drifting clock fails with CLOCK_SKEW and the measured skew in details', async () => {
    const { pair, sign } = desktop();
    const { record, enrollment } = await deviceKeyFactor.enroll(
      { ...base, publicKey: pair.publicKeyPem },
      { now: t0 },
    );
    const confirmed = await deviceKeyFactor.confirm(
      record,
      { proof: sign(enrollment.challenge.challenge, enrollment.deviceId, t0) },
      { now: t0 },
    );
    assert.ok(confirmed.ok);
    const challenge = createDeviceChallenge({ now: t0 });
    const proof = sign(challenge.challenge, enrollment.deviceId, t0 - 192_000);
    const result = await deviceKeyFactor.verify(confirmed.record, { challenge, proof }, { now: t0 });
    assert.equal(!result.ok && result.code, 'CLOCK_SKEW');
    assert.deepEqual(!result.ok && result.details, { skewMs: -192_000 });
    assert.match(!result.ok ? result.message : '', /3 min 12 s behind/);
  });
});
