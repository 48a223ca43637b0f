import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SoftAuthenticator } from '../../../test/support/soft-authenticator.ts';
import { computeAal } from './assurance.ts';
import { webAuthnAuthenticationOptions } from './webauthn.ts';
import { webAuthnFactor } from './webauthn-factor.ts';

const rp = { id: 'portcullis.example', name: 'Portcullis' };
const origin = 'https://portcullis.example';
const expectations = { expectedOrigin: origin, expectedRpId: rp.id };
const base = { userId: 'usr_1', label: 'YubiKey', rp, user: { id: 'usr_1', name: 'alice' } };

async function enrolled(authenticator: SoftAuthenticator) {
  const { record, enrollment } = await webAuthnFactor.enroll(base, { now: 1_000 });
  const response = await authenticator.register(enrollment.options, { origin });
  const confirmed = await webAuthnFactor.confirm(record, { ...expectations, response }, { now: 2_000 });
  assert.ok(confirmed.ok);
  return confirmed;
}

async function assertion(authenticator: SoftAuthenticator, credentialId: string) {
  const { options, challenge } = await webAuthnAuthenticationOptions({
    rpId: rp.id,
    credentials: [{ credentialId }],
  });
  return { response: await authenticator.authenticate(options, { origin }), expectedChallenge: challenge };
}

describe('webAuthnFactor', () => {
  it('enrol, confirm and sign in with a hardware key gives a used factor worth AAL3 with a password', async () => {
    const authenticator = new SoftAuthenticator();
    const confirmed = await enrolled(authenticator);
    assert.equal(confirmed.record.status, 'active');
    assert.equal(confirmed.record.data.pendingChallenge, null);
    const credentialId = confirmed.record.data.credential?.credentialId ?? '';

    const verified = await webAuthnFactor.verify(
      confirmed.record,
      { ...expectations, ...(await assertion(authenticator, credentialId)) },
      { now: 3_000 },
    );
    assert.ok(verified.ok);
    assert.equal(verified.record.data.credential?.counter, 1);
    assert.deepEqual(verified.used, {
      method: 'webauthn',
      at: 3_000,
      hardwareBound: true,
      userVerified: true,
    });
    assert.equal(computeAal([{ method: 'password', at: 2_900 }, verified.used]).aal, 3);
  });

  it('a replayed assertion is refused because its counter no longer increases, and the record is flagged', async () => {
    const authenticator = new SoftAuthenticator();
    const confirmed = await enrolled(authenticator);
    const credentialId = confirmed.record.data.credential?.credentialId ?? '';
    const first = await assertion(authenticator, credentialId);
    const ok = await webAuthnFactor.verify(confirmed.record, { ...expectations, ...first }, { now: 3_000 });
    assert.ok(ok.ok);
    const replay = await webAuthnFactor.verify(ok.record, { ...expectations, ...first }, { now: 4_000 });
    assert.equal(!replay.ok && replay.code, 'WEBAUTHN_SIGN_COUNT_REGRESSION');
    assert.equal(replay.record.data.cloneSuspectedAt, 4_000);
  });

  it('confirming with a response to another challenge fails and leaves the record pending', async () => {
    const { record } = await webAuthnFactor.enroll(base, { now: 1_000 });
    const { enrollment: other } = await webAuthnFactor.enroll(base, { now: 1_000 });
    const response = await new SoftAuthenticator().register(other.options, { origin });
    const result = await webAuthnFactor.confirm(record, { ...expectations, response }, { now: 2_000 });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_CHALLENGE_MISMATCH');
    assert.equal(result.record.status, 'pending');
  });
});
