import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_SMS_OUTBOX } from '../../src/authn/factors/sms-senders.ts';
import { totpCode } from '../../src/authn/factors/totp.ts';
import { deviceIdFromPublicKey } from '../../src/devices/device-keys.ts';
import type { SessionPrincipal } from '../../src/policy/principal.ts';
import {
  type Harness,
  loginPortal,
  PASSWORD,
  type PortalSession,
  startFlow,
  submitPassword,
} from './harness.ts';
import { SoftDevice } from './soft-device.ts';

/** Login helpers for second factors, on top of harness.ts. */

export const SESSION_COOKIE = '__Host-pc_session';
export const DEVICE_COOKIE = '__Host-pc_device';

export function portalFrom(
  res: { cookies: Array<{ name: string; value: string }>; json(): { session: { csrfToken: string } } },
  deviceCookie?: string,
): PortalSession {
  const set = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!set) throw new Error('no session cookie');
  const csrf = res.json().session.csrfToken as string;
  const cookie = [
    `${SESSION_COOKIE}=${set.value}`,
    ...(deviceCookie ? [`${DEVICE_COOKIE}=${deviceCookie}`] : []),
  ].join('; ');
  return { cookie: set.value, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

export function currentTotp(h: Harness, secret: string): string {
  return totpCode({ secret, timestampMs: h.clock.now });
}

/** A set-up (AAL1) portal session enrols TOTP as its first factor; returns the seed and the recovery codes. */
export async function enrollTotp(h: Harness, portal: PortalSession) {
  const start = await h.app.inject({
    method: 'POST',
    url: '/api/v1/factors/totp/enrollments',
    headers: portal.headers,
    payload: {},
  });
  if (start.statusCode !== 201) throw new Error(`totp enrolment failed: ${start.body}`);
  const { id, secret } = start.json();
  const confirm = await h.app.inject({
    method: 'POST',
    url: `/api/v1/factors/totp/enrollments/${id}/confirm`,
    headers: portal.headers,
    payload: { code: currentTotp(h, secret) },
  });
  if (confirm.statusCode !== 200) throw new Error(`totp confirm failed: ${confirm.body}`);
  h.clock.advance(30_000); // the confirming code's step is used
  return {
    factorId: id as string,
    secret: secret as string,
    recoveryCodes: confirm.json().recoveryCodes as string[],
  };
}

/** Password then TOTP on the portal; returns the session and the browser-device cookie. */
export async function loginPortalTotp(
  h: Harness,
  secret: string,
  opts: { loginName?: string; deviceCookie?: string; remember?: boolean } = {},
) {
  const headers = opts.deviceCookie ? { cookie: `${DEVICE_COOKIE}=${opts.deviceCookie}` } : {};
  const flow = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login/flows',
    headers,
    payload: { interface: 'portal', ...(opts.remember ? { remember: true } : {}) },
  });
  const id = flow.json().id as string;
  const pw = await h.app.inject({
    method: 'POST',
    url: `/api/v1/login/flows/${id}/password`,
    headers,
    payload: { identifier: opts.loginName ?? 'alice', password: PASSWORD },
  });
  if (pw.json().flow.state === 'complete')
    return {
      portal: portalFrom(pw, opts.deviceCookie),
      deviceCookie: opts.deviceCookie,
      flowId: id,
      res: pw,
    };
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/login/flows/${id}/totp`,
    headers,
    payload: { code: currentTotp(h, secret) },
  });
  if (res.statusCode !== 200) throw new Error(`totp login failed: ${res.body}`);
  h.clock.advance(30_000);
  const deviceCookie = res.cookies.find((c) => c.name === DEVICE_COOKIE)?.value ?? opts.deviceCookie;
  return { portal: portalFrom(res, deviceCookie), deviceCookie, flowId: id, res };
}

/** The portal creates a mobile (or desktop) enrolment; the soft device registers its key with a proof. */
export async function enrollDevice(
  h: Harness,
  portal: PortalSession,
  kind: 'mobile' | 'desktop' = 'mobile',
  device?: SoftDevice,
) {
  const soft = device ?? (await SoftDevice.create({ algorithm: kind === 'desktop' ? 'Ed25519' : 'P-256' }));
  const created = await h.app.inject({
    method: 'POST',
    url: `/api/v1/factors/${kind}/enrollments`,
    headers: portal.headers,
  });
  if (created.statusCode !== 201) throw new Error(`enrolment failed: ${created.body}`);
  const { id, code } = created.json();
  const keyId = deviceIdFromPublicKey(soft.publicKeyPem);
  const proof = await soft.proveDevice({ challenge: code, deviceId: keyId, timestamp: h.clock.now });
  const claim = await h.app.inject({
    method: 'POST',
    url: `/api/v1/factors/${kind}/enrollments/${id}/confirm`,
    payload: {
      code,
      publicKey: soft.publicKeyPem,
      name: `My ${kind}`,
      keyRequiresUserVerification: true,
      proof,
    },
  });
  if (claim.statusCode !== 201) throw new Error(`claim failed: ${claim.body}`);
  return { device: soft, keyId, deviceId: claim.json().deviceId as string };
}

/** Password then device proof from the registered device key; returns the bearer token. */
export async function loginWithDevice(
  h: Harness,
  iface: 'mobile' | 'desktop',
  device: SoftDevice,
  keyId: string,
  skewMs = 0,
) {
  const flow = await h.app.inject({
    method: 'POST',
    url: '/api/v1/login/flows',
    payload: { interface: iface, device: keyId },
  });
  const id = flow.json().id as string;
  const pw = await submitPassword(h, id, 'alice', PASSWORD);
  const challenge = pw.json().flow.deviceChallenge?.challenge as string;
  const proof = await device.proveDevice({ challenge, deviceId: keyId, timestamp: h.clock.now + skewMs });
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/login/flows/${id}/device-proof`,
    payload: proof,
  });
  return {
    flowId: id,
    res,
    token: res.statusCode === 200 ? (res.json().session?.token as string | undefined) : undefined,
  };
}

export { loginPortal, startFlow };

/** The code in the last text the development SMS sender wrote to the data folder's outbox. */
export function lastSmsCode(dataDir: string): string {
  const lines = readFileSync(join(dataDir, DEV_SMS_OUTBOX), 'utf8').trim().split('\n');
  return /code is (\d{6})/.exec(JSON.parse(lines.at(-1)!).message)![1]!;
}

/**
 * A signed-in person as the services see them, for calling a service directly (no HTTP):
 * a fresh password-only portal session unless `over` says otherwise.
 */
export function sessionPrincipal(userId: string, over: Partial<SessionPrincipal> = {}): SessionPrincipal {
  return {
    kind: 'session',
    userId,
    sessionId: 'ses_direct',
    interface: 'portal',
    deviceId: null,
    aal: 1,
    factors: [],
    isAdmin: false,
    createdAt: 0,
    ...over,
  };
}
