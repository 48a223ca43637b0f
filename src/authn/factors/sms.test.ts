import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { computeAal } from './assurance.ts';
import { FactorInputError } from './record.ts';
import {
  createSmsChallenge,
  generateSmsCode,
  maskPhoneNumber,
  normalizePhoneNumber,
  SMS_CODE_TTL_MS,
  SMS_SIM_SWAP_WARNING,
  sendSmsSignInCode,
  smsFactor,
  smsMessage,
  verifySmsCode,
} from './sms.ts';
import type { SmsMessage, SmsSender } from './sms-senders.ts';

const pepper = randomBytes(32);
const now = 1_750_000_000_000;
const phone = '+14155550123';

/** A sender that keeps messages in memory, as a test double for the real ones. */
function memorySender(): SmsSender & { sent: SmsMessage[]; lastCode(): string } {
  const sent: SmsMessage[] = [];
  return {
    kind: 'memory',
    sent,
    async send(message) {
      sent.push(message);
    },
    lastCode: () => /\b(\d{6})\b/.exec(sent.at(-1)?.message ?? '')?.[1] ?? '',
  };
}

describe('SMS codes', () => {
  it('are six digits, zero-padded, from crypto randomness', () => {
    const codes = Array.from({ length: 500 }, generateSmsCode);
    for (const code of codes) assert.match(code, /^\d{6}$/);
    assert.ok(new Set(codes).size > 490);
  });

  it('a challenge stores a keyed hash, not the code, and expires in 5 minutes', () => {
    const { challenge, code } = createSmsChallenge({ phone, now, pepper });
    assert.equal(JSON.stringify(challenge).includes(code), false);
    assert.equal(challenge.expiresAt - challenge.createdAt, SMS_CODE_TTL_MS);
    assert.equal(challenge.attempts, 0);
  });

  it('the right code within 5 minutes is accepted once', () => {
    const { challenge, code } = createSmsChallenge({ phone, now, pepper });
    const first = verifySmsCode({ challenge, code, now: now + SMS_CODE_TTL_MS, pepper });
    assert.ok(first.ok);
    assert.equal(first.challenge.consumedAt, now + SMS_CODE_TTL_MS);
    const again = verifySmsCode({ challenge: first.challenge, code, now: now + 1, pepper });
    assert.equal(!again.ok && again.code, 'SMS_CODE_USED');
  });

  it('after 5 minutes the code has expired', () => {
    const { challenge, code } = createSmsChallenge({ phone, now, pepper });
    const result = verifySmsCode({ challenge, code, now: now + SMS_CODE_TTL_MS + 1, pepper });
    assert.equal(!result.ok && result.code, 'SMS_CODE_EXPIRED');
  });

  it('wrong codes count attempts and the fifth wrong one locks the challenge, even for the right code', () => {
    const created = createSmsChallenge({ phone, now, pepper });
    const wrong = created.code === '000000' ? '000001' : '000000';
    let challenge = created.challenge;
    for (let i = 0; i < 5; i++) {
      const result = verifySmsCode({ challenge, code: wrong, now, pepper });
      assert.equal(!result.ok && result.code, 'SMS_CODE_INVALID');
      challenge = result.challenge;
    }
    assert.equal(challenge.attempts, 5);
    const locked = verifySmsCode({ challenge, code: created.code, now, pepper });
    assert.equal(!locked.ok && locked.code, 'SMS_TOO_MANY_ATTEMPTS');
  });

  it('malformed input is refused without counting an attempt', () => {
    const { challenge } = createSmsChallenge({ phone, now, pepper });
    const result = verifySmsCode({ challenge, code: '12a456', now, pepper });
    assert.equal(!result.ok && result.code, 'SMS_CODE_MALFORMED');
    assert.equal(result.challenge.attempts, 0);
  });

  it('the message carries the code, and the WebOTP line when a domain is given', () => {
    assert.match(smsMessage('123456'), /Your Portcullis code is 123456\. It expires in 5 minutes\./);
    assert.match(smsMessage('123456', { domain: 'portcullis.example' }), /\n\n@portcullis\.example #123456$/);
  });

  it('phone numbers are normalised to E.164 and masked for display', () => {
    assert.equal(normalizePhoneNumber('+1 (415) 555-0123'), phone);
    assert.equal(normalizePhoneNumber('415 555 0123'), null);
    assert.equal(normalizePhoneNumber('+0123456789'), null);
    assert.equal(maskPhoneNumber(phone), '+14•••••0123');
  });

  it('the SIM-swap warning names the risk and the stronger alternatives', () => {
    assert.match(SMS_SIM_SWAP_WARNING, /SIM swap/);
    assert.match(SMS_SIM_SWAP_WARNING, /security key|authenticator app/);
  });
});

describe('smsFactor', () => {
  const base = { userId: 'usr_1', label: 'My phone' };

  it('enrolment sends a code and shows the SIM-swap warning; the code confirms; a later sign-in code verifies as restricted AAL2', async () => {
    const sender = memorySender();
    const { record, enrollment } = await smsFactor.enroll(
      { ...base, phone: '+1 415 555 0123', pepper, sender },
      { now },
    );
    assert.equal(enrollment.warning, SMS_SIM_SWAP_WARNING);
    assert.equal(enrollment.phone, '+14•••••0123');
    assert.equal(sender.sent[0]?.to, phone);
    assert.equal(JSON.stringify(record).includes(sender.lastCode()), false);

    const confirmed = await smsFactor.confirm(
      record,
      { code: sender.lastCode(), pepper },
      { now: now + 1_000 },
    );
    assert.ok(confirmed.ok);

    const challenged = await sendSmsSignInCode(confirmed.record, { pepper, sender }, { now: now + 60_000 });
    const verified = await smsFactor.verify(
      challenged,
      { code: sender.lastCode(), pepper },
      { now: now + 70_000 },
    );
    assert.ok(verified.ok);
    assert.deepEqual(computeAal([{ method: 'password', at: now }, verified.used]), {
      aal: 2,
      restricted: true,
    });
  });

  it('a wrong code is refused and the attempt is kept in the returned record', async () => {
    const sender = memorySender();
    const { record } = await smsFactor.enroll({ ...base, phone, pepper, sender }, { now });
    const wrong = sender.lastCode() === '999999' ? '999998' : '999999';
    const result = await smsFactor.confirm(record, { code: wrong, pepper }, { now });
    assert.equal(!result.ok && result.code, 'SMS_CODE_INVALID');
    assert.equal(result.record.data.challenge?.attempts, 1);
  });

  it('an invalid phone number is refused at enrolment with SMS_PHONE_INVALID and nothing is sent', async () => {
    const sender = memorySender();
    await assert.rejects(
      smsFactor.enroll({ ...base, phone: '555-0123', pepper, sender }, { now }),
      (e: unknown) => e instanceof FactorInputError && e.code === 'SMS_PHONE_INVALID',
    );
    assert.equal(sender.sent.length, 0);
  });
});
