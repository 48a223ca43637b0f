import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePushDecision, SoftDevice } from '../../../test/support/soft-device.ts';
import {
  createPushChallenge,
  PUSH_CHALLENGE_TTL_MS,
  type PushChallenge,
  pushDecisionBytes,
  pushDecisionMessage,
  type SignedPushDecision,
  verifyPushDecision,
} from './push.ts';

const now = 1_750_000_000_000;

async function pending(
  options: { algorithm?: 'P-256' | 'Ed25519'; signatureEncoding?: 'p1363' | 'der' } = {},
) {
  const device = await SoftDevice.create(options);
  const challenge = createPushChallenge({ now });
  return { device, challenge };
}

const wrongNumber = (c: PushChallenge) => c.choices.find((n) => n !== c.number) ?? 0;

describe('push challenge', () => {
  it('has a two-digit number and three distinct two-digit choices that include it, and lives 60 s', () => {
    for (let i = 0; i < 200; i++) {
      const c = createPushChallenge({ now });
      assert.ok(Number.isInteger(c.number) && c.number >= 10 && c.number <= 99);
      assert.equal(new Set(c.choices).size, 3);
      assert.ok(c.choices.includes(c.number));
      assert.ok(c.choices.every((n) => n >= 10 && n <= 99));
      assert.equal(c.expiresAt, now + PUSH_CHALLENGE_TTL_MS);
      assert.match(c.challengeId, /^[A-Za-z0-9_-]{22}$/);
    }
  });

  it('puts the right number in every position over many challenges (random order)', () => {
    const positions = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const c = createPushChallenge({ now });
      positions.add(c.choices.indexOf(c.number));
    }
    assert.deepEqual([...positions].sort(), [0, 1, 2]);
  });
});

describe('push decision encoding', () => {
  it('is five LF-separated key=value lines after a domain line, without a trailing LF', () => {
    const decision = { challengeId: 'AbC-_9', decision: 'approve' as const, number: 42, userVerified: true };
    assert.equal(
      pushDecisionMessage(decision),
      'portcullis-push-decision/v1\nchallengeId=AbC-_9\ndecision=approve\nnumber=42\nuserVerified=true',
    );
    assert.deepEqual(pushDecisionBytes(decision), encodePushDecision(decision));
  });

  it('refuses values that would break the encoding', () => {
    const ok = { challengeId: 'abc', decision: 'deny' as const, number: 42, userVerified: false };
    assert.throws(() => pushDecisionMessage({ ...ok, challengeId: 'a\nb' }), TypeError);
    assert.throws(() => pushDecisionMessage({ ...ok, number: 100 }), TypeError);
    assert.throws(() => pushDecisionMessage({ ...ok, decision: 'maybe' as 'deny' }), TypeError);
  });
});

describe('verifyPushDecision', () => {
  const variants = [
    { algorithm: 'P-256', signatureEncoding: 'p1363' },
    { algorithm: 'P-256', signatureEncoding: 'der' },
    { algorithm: 'Ed25519' },
  ] as const;
  for (const options of variants) {
    it(`when a ${options.algorithm} ${'signatureEncoding' in options ? options.signatureEncoding : ''} device approves the right number then it is approved`, async () => {
      const { device, challenge } = await pending(options);
      const response = await device.decide(challenge, 'approve', challenge.number);
      const result = verifyPushDecision({
        challenge,
        response,
        publicKey: device.publicKeyPem,
        now: now + 5_000,
      });
      assert.deepEqual(result, { ok: true, decision: 'approve', userVerified: true });
    });
  }

  it('accepts the registered key as a JWK too', async () => {
    const { device, challenge } = await pending();
    const response = await device.decide(challenge, 'approve', challenge.number);
    assert.equal(verifyPushDecision({ challenge, response, publicKey: device.publicJwk, now }).ok, true);
  });

  it('when the user denies then PUSH_DENIED', async () => {
    const { device, challenge } = await pending();
    const response = await device.decide(challenge, 'deny', challenge.number);
    const result = verifyPushDecision({ challenge, response, publicKey: device.publicKeyPem, now });
    assert.equal(!result.ok && result.code, 'PUSH_DENIED');
  });

  it('when the user approves another number then PUSH_WRONG_NUMBER', async () => {
    const { device, challenge } = await pending();
    const response = await device.decide(challenge, 'approve', wrongNumber(challenge));
    const result = verifyPushDecision({ challenge, response, publicKey: device.publicKeyPem, now });
    assert.equal(!result.ok && result.code, 'PUSH_WRONG_NUMBER');
  });

  it('when the answer comes after 60 s then PUSH_EXPIRED', async () => {
    const { device, challenge } = await pending();
    const response = await device.decide(challenge, 'approve', challenge.number);
    const result = verifyPushDecision({
      challenge,
      response,
      publicKey: device.publicKeyPem,
      now: challenge.expiresAt + 1,
    });
    assert.equal(!result.ok && result.code, 'PUSH_EXPIRED');
  });

  it('when the decision was altered after signing then PUSH_BAD_SIGNATURE', async () => {
    const { device, challenge } = await pending();
    const signedDeny = await device.decide(challenge, 'deny', challenge.number);
    const response = { ...signedDeny, decision: 'approve' as const };
    const result = verifyPushDecision({ challenge, response, publicKey: device.publicKeyPem, now });
    assert.equal(!result.ok && result.code, 'PUSH_BAD_SIGNATURE');
  });

  it('when another device signed then PUSH_BAD_SIGNATURE', async () => {
    const { device, challenge } = await pending();
    const intruder = await SoftDevice.create();
    const response = await intruder.decide(challenge, 'approve', challenge.number);
    const result = verifyPushDecision({ challenge, response, publicKey: device.publicKeyPem, now });
    assert.equal(!result.ok && result.code, 'PUSH_BAD_SIGNATURE');
  });

  it('when the decision is for another challenge then PUSH_CHALLENGE_MISMATCH', async () => {
    const { device, challenge } = await pending();
    const other = createPushChallenge({ now });
    const response = await device.decide(other, 'approve', other.number);
    const result = verifyPushDecision({ challenge, response, publicKey: device.publicKeyPem, now });
    assert.equal(!result.ok && result.code, 'PUSH_CHALLENGE_MISMATCH');
  });

  it('when the device did not verify the user then approval needs it, unless not required', async () => {
    const { device, challenge } = await pending();
    device.userVerified = false;
    const response = await device.decide(challenge, 'approve', challenge.number);
    const strict = verifyPushDecision({ challenge, response, publicKey: device.publicKeyPem, now });
    assert.equal(!strict.ok && strict.code, 'PUSH_USER_VERIFICATION_REQUIRED');
    const lax = verifyPushDecision({
      challenge,
      response,
      publicKey: device.publicKeyPem,
      now,
      requireUserVerification: false,
    });
    assert.deepEqual(lax, { ok: true, decision: 'approve', userVerified: false });
  });

  it('when the body is malformed then PUSH_MALFORMED, never a throw', async () => {
    const { device, challenge } = await pending();
    const good = await device.decide(challenge, 'approve', challenge.number);
    const bad = [
      { ...good, number: '42' },
      { ...good, signature: '!!' },
      { ...good, userVerified: 'yes' },
      null,
    ];
    for (const response of bad) {
      const result = verifyPushDecision({
        challenge,
        response: response as unknown as SignedPushDecision,
        publicKey: device.publicKeyPem,
        now,
      });
      assert.equal(!result.ok && result.code, 'PUSH_MALFORMED');
    }
  });
});
