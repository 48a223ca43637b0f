import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SOFT_AAGUID, SoftAuthenticator } from '../../../test/support/soft-authenticator.ts';
import {
  type CeremonyExpectations,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
  type WebAuthnCredential,
  webAuthnAuthenticationOptions,
  webAuthnRegistrationOptions,
} from './webauthn.ts';

const rp = { id: 'portcullis.example', name: 'Portcullis' };
const origin = 'https://portcullis.example';
const user = { id: 'usr_alice', name: 'alice@example.com', displayName: 'Alice' };

async function register(authenticator: SoftAuthenticator): Promise<WebAuthnCredential> {
  const { options, challenge } = await webAuthnRegistrationOptions({ rp, user });
  const response = await authenticator.register(options, { origin });
  const result = await verifyWebAuthnRegistration({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRpId: rp.id,
  });
  assert.ok(result.ok, `registration failed: ${!result.ok && result.code}`);
  return result.credential;
}

async function signIn(
  authenticator: SoftAuthenticator,
  credential: WebAuthnCredential,
  browser: { origin?: string; rpId?: string; challenge?: string } = {},
  expect: Partial<CeremonyExpectations> = {},
) {
  const { options, challenge } = await webAuthnAuthenticationOptions({
    rpId: rp.id,
    credentials: [credential],
  });
  const response = await authenticator.authenticate(options, { origin, ...browser });
  return verifyWebAuthnAuthentication({
    response,
    credential,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRpId: rp.id,
    ...expect,
  });
}

describe('WebAuthn registration options', () => {
  it('name the RP and user, prefer a resident key, require UV by default, offer ES256 and exclude known keys', async () => {
    const { options, challenge } = await webAuthnRegistrationOptions({
      rp,
      user,
      existingCredentials: [{ credentialId: 'AAEC', transports: ['usb'] }],
    });
    assert.equal(options.rp.id, rp.id);
    assert.equal(options.rp.name, 'Portcullis');
    assert.equal(options.user.name, user.name);
    assert.equal(Buffer.from(options.user.id, 'base64url').toString(), user.id);
    assert.equal(options.authenticatorSelection?.residentKey, 'preferred');
    assert.equal(options.authenticatorSelection?.userVerification, 'required');
    assert.equal(options.attestation, 'none');
    assert.ok(options.pubKeyCredParams.some((p) => p.alg === -7));
    assert.deepEqual(options.excludeCredentials, [{ id: 'AAEC', type: 'public-key', transports: ['usb'] }]);
    assert.equal(options.challenge, challenge);
    assert.ok(Buffer.from(challenge, 'base64url').length >= 16);
  });

  it('user verification is configurable', async () => {
    const { options } = await webAuthnRegistrationOptions({ rp, user, userVerification: 'discouraged' });
    assert.equal(options.authenticatorSelection?.userVerification, 'discouraged');
  });

  it('an authenticator already holding an excluded credential refuses to register again', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const { options } = await webAuthnRegistrationOptions({ rp, user, existingCredentials: [credential] });
    await assert.rejects(authenticator.register(options, { origin }), { name: 'InvalidStateError' });
  });
});

describe('WebAuthn registration', () => {
  it('a device-bound key with UV registers with its id, COSE key, counter, transports, AAGUID and flags', async () => {
    const authenticator = new SoftAuthenticator({ transports: ['usb', 'nfc'] });
    const credential = await register(authenticator);
    assert.equal(credential.credentialId, authenticator.credentialIds[0]);
    assert.ok(Buffer.from(credential.publicKey, 'base64url').length > 64);
    assert.equal(credential.counter, 0);
    assert.deepEqual(credential.transports, ['usb', 'nfc']);
    assert.equal(credential.aaguid, SOFT_AAGUID);
    assert.equal(credential.attestationFormat, 'none');
    assert.equal(credential.userVerified, true);
    assert.equal(credential.hardwareBound, true);
    assert.equal(credential.backupEligible, false);
    assert.equal(credential.backedUp, false);
  });

  it('a synced passkey registers as backed up and not hardware-bound', async () => {
    const credential = await register(
      new SoftAuthenticator({ backupEligible: true, attachment: 'platform' }),
    );
    assert.equal(credential.hardwareBound, false);
    assert.equal(credential.backedUp, true);
  });

  it('when the registration comes from another origin then WEBAUTHN_ORIGIN_MISMATCH', async () => {
    const { options, challenge } = await webAuthnRegistrationOptions({ rp, user });
    const response = await new SoftAuthenticator().register(options, { origin: 'https://portcullis.evil' });
    const result = await verifyWebAuthnRegistration({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRpId: rp.id,
    });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_ORIGIN_MISMATCH');
  });

  it('when UV is required and the authenticator did not verify the user then WEBAUTHN_USER_VERIFICATION_REQUIRED', async () => {
    const { options, challenge } = await webAuthnRegistrationOptions({ rp, user });
    const response = await new SoftAuthenticator({ userVerification: false }).register(options, { origin });
    const expectations = {
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRpId: rp.id,
    };
    const strict = await verifyWebAuthnRegistration(expectations);
    assert.equal(!strict.ok && strict.code, 'WEBAUTHN_USER_VERIFICATION_REQUIRED');
    const lax = await verifyWebAuthnRegistration({ ...expectations, requireUserVerification: false });
    assert.equal(lax.ok && lax.credential.userVerified, false);
  });

  it('when the registration answers another challenge then WEBAUTHN_CHALLENGE_MISMATCH', async () => {
    const { options } = await webAuthnRegistrationOptions({ rp, user });
    const { challenge: other } = await webAuthnRegistrationOptions({ rp, user });
    const response = await new SoftAuthenticator().register(options, { origin });
    const result = await verifyWebAuthnRegistration({
      response,
      expectedChallenge: other,
      expectedOrigin: origin,
      expectedRpId: rp.id,
    });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_CHALLENGE_MISMATCH');
  });

  it('when the attestation object is garbage then WEBAUTHN_MALFORMED', async () => {
    const { options, challenge } = await webAuthnRegistrationOptions({ rp, user });
    const good = await new SoftAuthenticator().register(options, { origin });
    const response = { ...good, response: { ...good.response, attestationObject: 'AAAA' } };
    const result = await verifyWebAuthnRegistration({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRpId: rp.id,
    });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_MALFORMED');
  });
});

describe('WebAuthn authentication', () => {
  it('allowCredentials lists the user’s credentials and UV is required by default', async () => {
    const { options } = await webAuthnAuthenticationOptions({
      rpId: rp.id,
      credentials: [{ credentialId: 'AAEC', transports: ['internal'] }],
    });
    assert.equal(options.rpId, rp.id);
    assert.equal(options.userVerification, 'required');
    assert.deepEqual(options.allowCredentials, [
      { id: 'AAEC', type: 'public-key', transports: ['internal'] },
    ]);
  });

  it('registration then assertion end to end succeeds and reports the new counter and UV', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const result = await signIn(authenticator, credential);
    assert.deepEqual(result, {
      ok: true,
      credentialId: credential.credentialId,
      newCounter: 1,
      userVerified: true,
      backedUp: false,
      hardwareBound: true,
    });
  });

  it('an authenticator without a counter (always 0) is accepted', async () => {
    const authenticator = new SoftAuthenticator({ counterStep: 0 });
    const credential = await register(authenticator);
    const result = await signIn(authenticator, credential);
    assert.equal(result.ok && result.newCounter, 0);
  });

  it('when the assertion comes from another origin then WEBAUTHN_ORIGIN_MISMATCH', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const result = await signIn(authenticator, credential, { origin: 'https://portcullis.evil' });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_ORIGIN_MISMATCH');
  });

  it('when authenticatorData is scoped to another RP id then WEBAUTHN_RP_ID_MISMATCH', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const result = await signIn(authenticator, credential, { rpId: 'evil.example' });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_RP_ID_MISMATCH');
  });

  it('when the assertion answers another challenge then WEBAUTHN_CHALLENGE_MISMATCH', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const result = await signIn(authenticator, credential, { challenge: 'c3RhbGUtY2hhbGxlbmdl' });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_CHALLENGE_MISMATCH');
  });

  it('when the signature is corrupt then WEBAUTHN_BAD_SIGNATURE', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    authenticator.corruptSignature = true;
    const result = await signIn(authenticator, credential);
    assert.equal(!result.ok && result.code, 'WEBAUTHN_BAD_SIGNATURE');
  });

  it('when UV is required but absent then WEBAUTHN_USER_VERIFICATION_REQUIRED; when not required it passes unverified', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    authenticator.userVerification = false;
    const strict = await signIn(authenticator, credential);
    assert.equal(!strict.ok && strict.code, 'WEBAUTHN_USER_VERIFICATION_REQUIRED');
    const lax = await signIn(authenticator, credential, {}, { requireUserVerification: false });
    assert.equal(lax.ok && lax.userVerified, false);
  });

  it('when user presence is absent then WEBAUTHN_USER_NOT_PRESENT', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    authenticator.userPresence = false;
    const result = await signIn(authenticator, credential);
    assert.equal(!result.ok && result.code, 'WEBAUTHN_USER_NOT_PRESENT');
  });

  it('when the sign count goes backwards then the valid assertion is flagged as a regression, not accepted', async () => {
    const authenticator = new SoftAuthenticator();
    const registered = await register(authenticator);
    const credential = { ...registered, counter: 10 };
    authenticator.signCount = 4; // next assertion reports 5
    const result = await signIn(authenticator, credential);
    assert.deepEqual(result, {
      ok: false,
      code: 'WEBAUTHN_SIGN_COUNT_REGRESSION',
      flagged: true,
      message: 'This security key may have been cloned; it was not accepted.',
      credentialId: credential.credentialId,
      storedCounter: 10,
      newCounter: 5,
    });
  });

  it('when the sign count repeats the stored value then it is flagged too', async () => {
    const authenticator = new SoftAuthenticator();
    const registered = await register(authenticator);
    authenticator.signCount = 6;
    const result = await signIn(authenticator, { ...registered, counter: 7 });
    assert.equal(!result.ok && result.code, 'WEBAUTHN_SIGN_COUNT_REGRESSION');
  });

  it('when the response is for another credential then WEBAUTHN_UNKNOWN_CREDENTIAL', async () => {
    const authenticator = new SoftAuthenticator();
    const credential = await register(authenticator);
    const other = await register(new SoftAuthenticator());
    const { options, challenge } = await webAuthnAuthenticationOptions({ rpId: rp.id });
    const response = await authenticator.authenticate(options, { origin });
    const result = await verifyWebAuthnAuthentication({
      response,
      credential: other,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRpId: rp.id,
    });
    assert.equal(credential.credentialId, response.id);
    assert.equal(!result.ok && result.code, 'WEBAUTHN_UNKNOWN_CREDENTIAL');
  });
});
