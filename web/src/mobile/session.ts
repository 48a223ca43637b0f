import { get, post, setBearer } from '../shared/api.ts';
import {
  type DeviceRecord,
  deviceProofText,
  newDeviceKeys,
  pushDecisionText,
  saveDevice,
  signText,
} from './device.ts';
import { createUnlockCredential } from './unlock.ts';

/**
 * The phone's calls. The mobile session is a bearer token held in memory
 * only while the app is unlocked; after a reload the app signs in again with
 * its device key (no token is ever written to storage).
 */

interface FlowView {
  id: string;
  state: string;
  deviceChallenge?: { challenge: string; expiresAt: string };
}
interface Completion {
  flow: FlowView;
  session?: { token?: string };
}

export interface PendingPush {
  challengeId: string;
  choices: number[];
  words: string;
  purpose?: string;
  context?: Record<string, string>;
  expiresAt: string;
}

/** Reads the portal's QR (`portcullis://enroll?…&id=…&code=…`) or the typed `enr_….code`. */
export function parseEnrolment(input: string): { id: string; code: string } {
  const text = input.trim();
  const q = /[?&]id=([^&]+)&code=([^&]+)/.exec(text);
  if (q) return { id: decodeURIComponent(q[1]!), code: decodeURIComponent(q[2]!) };
  const [id = '', code = ''] = text.split('.');
  if (!/^enr_[A-Za-z0-9_-]{22}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(code))
    throw new Error('That is not an enrolment code. Copy it exactly as the portal shows it.');
  return { id, code };
}

/** Enrols this phone: a new device key, proved over the enrolment code, then the local unlock credential. */
export async function enrol(input: string, label: string): Promise<DeviceRecord> {
  const { id, code } = parseEnrolment(input);
  const { keys, publicPem, keyId } = await newDeviceKeys();
  const timestamp = Date.now();
  const signature = await signText({ keys }, deviceProofText(code, timestamp, keyId));
  const unlockCredentialId = await createUnlockCredential(label).catch(() => null);
  const done = await post<{ deviceId: string; keyId: string }>(`/factors/mobile/enrollments/${id}/confirm`, {
    code,
    publicKey: publicPem,
    name: label,
    keyRequiresUserVerification: unlockCredentialId !== null,
    proof: { deviceId: keyId, timestamp, signature },
  });
  const record: DeviceRecord = {
    deviceId: done.deviceId,
    keyId,
    keys,
    publicPem,
    unlockCredentialId,
    userLabel: label,
    enrolledAt: new Date().toISOString(),
  };
  await saveDevice(record);
  return record;
}

/**
 * Signs in as this phone: a mobile flow bound to the device key, the password,
 * then the key's proof over the flow's challenge with the phone's clock.
 */
export async function signInDevice(d: DeviceRecord, identifier: string, password: string): Promise<void> {
  setBearer(null);
  const flow = await post<FlowView>('/login/flows', { interface: 'mobile', device: d.keyId });
  const afterPassword = await post<Completion>(`/login/flows/${flow.id}/password`, { identifier, password });
  let done = afterPassword;
  const challenge = afterPassword.flow.deviceChallenge?.challenge;
  if (afterPassword.flow.state === 'device_validation' && challenge) {
    const timestamp = Date.now();
    const signature = await signText(d, deviceProofText(challenge, timestamp, d.keyId));
    done = await post<Completion>(`/login/flows/${flow.id}/device-proof`, {
      deviceId: d.keyId,
      signature,
      timestamp,
    });
  }
  if (!done.session?.token) throw new Error('This phone is not recognised for this account. Enrol it again.');
  setBearer(done.session.token);
}

export async function pendingPushes(): Promise<PendingPush[]> {
  return (await get<{ pending: PendingPush[] }>('/push/pending')).pending;
}

export async function decide(
  d: DeviceRecord,
  p: PendingPush,
  decision: 'approve' | 'deny',
  num: number,
  userVerified: boolean,
) {
  const signature = await signText(d, pushDecisionText(p.challengeId, decision, num, userVerified));
  return post<{ status: string }>(`/push/${p.challengeId}/decision`, {
    decision,
    number: num,
    userVerified,
    signature,
  });
}
