import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeAal } from './assurance.ts';
import type { Assurance, UsedFactor } from './types.ts';

const at = 1_700_000_000_000;
const password: UsedFactor = { method: 'password', at };
const totp: UsedFactor = { method: 'totp', at };
const push: UsedFactor = { method: 'push', at };
const pushUv: UsedFactor = { method: 'push', at, userVerified: true };
const sms: UsedFactor = { method: 'sms', at };
const recovery: UsedFactor = { method: 'recovery_code', at };
const deviceKey: UsedFactor = { method: 'device_key', at };
const deviceKeyUv: UsedFactor = { method: 'device_key', at, userVerified: true };
const hwKeyUv: UsedFactor = { method: 'webauthn', at, hardwareBound: true, userVerified: true };
const hwKeyNoUv: UsedFactor = { method: 'webauthn', at, hardwareBound: true, userVerified: false };
const syncedPasskeyUv: UsedFactor = { method: 'webauthn', at, hardwareBound: false, userVerified: true };

const rows: [string, UsedFactor[], Assurance][] = [
  ['password alone is AAL1', [password], { aal: 1, restricted: false }],
  ['TOTP alone is AAL1', [totp], { aal: 1, restricted: false }],
  ['password + TOTP is AAL2', [password, totp], { aal: 2, restricted: false }],
  ['password + push is AAL2', [password, push], { aal: 2, restricted: false }],
  ['password + recovery code is AAL2', [password, recovery], { aal: 2, restricted: false }],
  ['password + device key is AAL2', [password, deviceKey], { aal: 2, restricted: false }],
  ['device key + user verification is AAL2', [deviceKeyUv], { aal: 2, restricted: false }],
  ['device key without user verification is AAL1', [deviceKey], { aal: 1, restricted: false }],
  ['push with user verification is AAL2 on its own', [pushUv], { aal: 2, restricted: false }],
  ['password + SMS is AAL2 but restricted', [password, sms], { aal: 2, restricted: true }],
  ['SMS alone is AAL1 and restricted', [sms], { aal: 1, restricted: true }],
  ['password + SMS + TOTP is AAL2 and not restricted', [password, sms, totp], { aal: 2, restricted: false }],
  ['password + hardware-bound WebAuthn with UV is AAL3', [password, hwKeyUv], { aal: 3, restricted: false }],
  ['hardware-bound WebAuthn with UV alone is AAL3', [hwKeyUv], { aal: 3, restricted: false }],
  [
    'password + hardware-bound WebAuthn without UV is AAL2',
    [password, hwKeyNoUv],
    { aal: 2, restricted: false },
  ],
  ['password + synced passkey with UV is AAL2', [password, syncedPasskeyUv], { aal: 2, restricted: false }],
  ['two possession factors of the same type are AAL1', [totp, recovery], { aal: 1, restricted: false }],
  [
    'password + SMS + hardware WebAuthn UV is AAL3, not restricted',
    [password, sms, hwKeyUv],
    { aal: 3, restricted: false },
  ],
];

describe('computeAal', () => {
  for (const [name, factors, expected] of rows) {
    it(name, () => {
      assert.deepEqual(computeAal(factors), expected);
    });
  }

  it('when no factor was used then it is a programmer error', () => {
    assert.throws(() => computeAal([]), TypeError);
  });
});
