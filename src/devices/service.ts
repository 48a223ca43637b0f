import QRCode from 'qrcode';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import type { FactorStore } from '../authn/factor-store.ts';
import { deviceKeyFactor, pushFactor } from '../authn/factors/device-factors.ts';
import type { Notifier } from '../authn/notifier.ts';
import type { DevicesTable } from '../authn/tables.ts';
import { AppError } from '../errors/index.ts';
import type { SessionService } from '../sessions/index.ts';
import { newId, newToken, sha256Hex } from '../store/ids.ts';
import { DeviceKeyError, type DevicePublicKeyInput, importDevicePublicKey } from './device-keys.ts';
import { createDeviceChallenge, type DeviceProof } from './device-proof.ts';
import type { DeviceKind, DeviceRepository } from './repository.ts';

export const ENROLLMENT_TTL_MS = 10 * 60_000;

export interface DeviceView {
  id: string;
  kind: string;
  name: string;
  state: string;
  rememberedUntil: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/**
 * The device registry: browser devices (a random cookie, only its hash
 * stored), mobile and desktop devices (a registered public key). States:
 * pending → trusted → revoked. Revoking ends the device's sessions and its
 * factors at once.
 */
export class DeviceService {
  readonly #repo: DeviceRepository;
  readonly #factors: FactorStore;
  readonly #sessions: SessionService;
  readonly #notifier: Notifier;
  readonly #audit: AuditTrail;
  readonly #opts: { origin: string; maxSkewMs: number; rememberMs: number };
  readonly #now: () => number;

  constructor(deps: {
    repo: DeviceRepository;
    factors: FactorStore;
    sessions: SessionService;
    notifier: Notifier;
    audit: AuditTrail;
    options: { origin: string; maxSkewMs: number; rememberMs: number };
    now: () => number;
  }) {
    this.#repo = deps.repo;
    this.#factors = deps.factors;
    this.#sessions = deps.sessions;
    this.#notifier = deps.notifier;
    this.#audit = deps.audit;
    this.#opts = deps.options;
    this.#now = deps.now;
  }

  get repo(): DeviceRepository {
    return this.#repo;
  }

  get notifier(): Notifier {
    return this.#notifier;
  }

  get maxSkewMs(): number {
    return this.#opts.maxSkewMs;
  }

  async list(userId: string, currentDeviceId: string | null): Promise<DeviceView[]> {
    return (await this.#repo.listForUser(userId)).map((d) => view(d, currentDeviceId));
  }

  /** The browser device behind a device cookie, if it is this user's and still trusted. */
  async recognizeBrowser(cookie: string | undefined): Promise<DevicesTable | undefined> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const d = await this.#repo.findByCookieHash(sha256Hex(`device:${cookie}`));
    return d && d.state === 'trusted' ? d : undefined;
  }

  isRemembered(d: DevicesTable | undefined, userId: string): boolean {
    return Boolean(
      d && d.user_id === userId && d.remembered_until !== null && Number(d.remembered_until) > this.#now(),
    );
  }

  /** A new trusted browser device after a sign-in with a second factor: records `device.added` and tells the other devices. */
  async addBrowser(
    userId: string,
    userAgent: string,
    ctx: AuditContext,
  ): Promise<{ device: DevicesTable; cookie: string }> {
    const cookie = newToken();
    const now = this.#now();
    const device: DevicesTable = {
      id: newId('dev'),
      user_id: userId,
      kind: 'browser',
      name: browserName(userAgent),
      state: 'trusted',
      cookie_hash: sha256Hex(`device:${cookie}`),
      key_id: null,
      public_key_pem: null,
      algorithm: null,
      remembered_until: null,
      created_at: now,
      last_seen_at: now,
      revoked_at: null,
      revoked_reason: null,
    };
    await this.#repo.insert(device);
    await this.#added(device, ctx);
    return { device, cookie };
  }

  async remember(deviceId: string, userId: string, ctx: AuditContext): Promise<void> {
    if (this.#opts.rememberMs <= 0) return;
    const until = this.#now() + this.#opts.rememberMs;
    await this.#repo.update(deviceId, { remembered_until: until });
    await this.#audit.record({
      ...ctx,
      name: 'device.remembered',
      outcome: 'success',
      subjectUserId: userId,
      data: { deviceId, until },
    });
  }

  async touch(deviceId: string): Promise<void> {
    await this.#repo.update(deviceId, { last_seen_at: this.#now() });
  }

  async rename(userId: string, id: string, name: string, ctx: AuditContext): Promise<DeviceView> {
    const d = await this.#own(userId, id);
    await this.#repo.update(id, { name });
    await this.#audit.record({
      ...ctx,
      name: 'device.renamed',
      outcome: 'success',
      subjectUserId: userId,
      data: { deviceId: id },
    });
    return view({ ...d, name }, null);
  }

  /** Revokes the device, ends its sessions and removes its push and device-key factors, at once. */
  async revoke(
    userId: string,
    id: string,
    reason: string,
    ctx: AuditContext,
  ): Promise<{ endedSessions: number }> {
    await this.#own(userId, id);
    if (!(await this.#repo.revoke(id, reason, this.#now()))) throw new AppError('DEVICE_NOT_FOUND');
    for (const f of await this.#factors.listByDevice(id)) {
      await this.#factors.update({ ...f, status: 'removed', removedAt: this.#now() });
    }
    const endedSessions = await this.#sessions.revokeForDevice(id, 'device_revoked', ctx);
    await this.#audit.record({
      ...ctx,
      name: 'device.revoked',
      outcome: 'success',
      reason,
      subjectUserId: userId,
      data: { deviceId: id, endedSessions },
    });
    return { endedSessions };
  }

  /** A single-use enrolment code (10 minutes) and its QR for a mobile or desktop client. */
  async createEnrollment(userId: string, kind: 'mobile' | 'desktop', ctx: AuditContext) {
    const code = newToken();
    const now = this.#now();
    const id = newId('enr');
    await this.#repo.insertEnrollment({
      id,
      user_id: userId,
      kind,
      code_hash: sha256Hex(`enrollment:${code}`),
      created_at: now,
      expires_at: now + ENROLLMENT_TTL_MS,
      used_at: null,
      device_id: null,
    });
    await this.#audit.record({
      ...ctx,
      name: 'device_enrollment.created',
      outcome: 'info',
      subjectUserId: userId,
      data: { enrollmentId: id, kind },
    });
    const uri = `portcullis://enroll?origin=${encodeURIComponent(this.#opts.origin)}&id=${id}&code=${code}`;
    const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
    return {
      id,
      kind,
      code,
      uri,
      qr: { pngDataUrl: qr },
      expiresAt: new Date(now + ENROLLMENT_TTL_MS).toISOString(),
    };
  }

  /**
   * The client registers its public key with a proof of possession: a device
   * proof whose challenge is the enrolment code. Creates a trusted device and
   * its factors (mobile: push + device key; desktop: device key, Ed25519 only).
   */
  async claimEnrollment(
    input: {
      id: string;
      code: string;
      publicKey: DevicePublicKeyInput;
      name: string;
      keyRequiresUserVerification: boolean;
      proof: DeviceProof;
      replacesDeviceId?: string | undefined;
    },
    ctx: AuditContext,
  ): Promise<{ deviceId: string; keyId: string; userId: string }> {
    const now = this.#now();
    const enr = await this.#repo.findEnrollmentByCodeHash(sha256Hex(`enrollment:${input.code}`));
    if (!enr || enr.id !== input.id || enr.used_at !== null || now > Number(enr.expires_at))
      throw new AppError('ENROLLMENT_CODE_INVALID');
    const kind = enr.kind as DeviceKind;
    let key: ReturnType<typeof importDevicePublicKey>;
    try {
      key = importDevicePublicKey(input.publicKey);
    } catch (e) {
      if (e instanceof DeviceKeyError) throw new AppError('DEVICE_KEY_UNSUPPORTED');
      throw e;
    }
    if (kind === 'desktop' && key.algorithm !== 'Ed25519') throw new AppError('DEVICE_KEY_UNSUPPORTED');
    const base = {
      userId: enr.user_id,
      label: input.name,
      publicKey: input.publicKey,
      keyRequiresUserVerification: kind === 'mobile' && input.keyRequiresUserVerification,
    };
    const challenge = {
      ...createDeviceChallenge({ now }),
      challenge: input.code,
      expiresAt: Number(enr.expires_at),
    };
    const methods = kind === 'mobile' ? (['push', 'device_key'] as const) : (['device_key'] as const);
    const records = [];
    for (const m of methods) {
      const factor = m === 'push' ? pushFactor : deviceKeyFactor;
      const { record } = await factor.enroll(base, { now });
      const confirmed = await factor.confirm(
        { ...record, data: { ...record.data, pendingChallenge: challenge } } as never,
        { proof: input.proof, maxSkewMs: this.#opts.maxSkewMs },
        { now },
      );
      if (!confirmed.ok) {
        throw new AppError(confirmed.code === 'CLOCK_SKEW' ? 'CLOCK_SKEW' : 'DEVICE_PROOF_INVALID', {
          ...(confirmed.code === 'CLOCK_SKEW' ? { message: confirmed.message } : {}),
          details: { reason: confirmed.code, ...(confirmed.details ?? {}) },
        });
      }
      records.push(confirmed.record);
    }
    const deviceId = newId('dev');
    if (!(await this.#repo.claimEnrollment(enr.id, deviceId, now)))
      throw new AppError('ENROLLMENT_CODE_INVALID');
    if (input.replacesDeviceId) {
      const old = await this.#repo.find(input.replacesDeviceId);
      if (old && old.user_id === enr.user_id && old.state !== 'revoked')
        await this.revoke(enr.user_id, old.id, 'replaced', ctx);
    }
    const device: DevicesTable = {
      id: deviceId,
      user_id: enr.user_id,
      kind,
      name: input.name,
      state: 'trusted',
      cookie_hash: null,
      key_id: key.deviceId,
      public_key_pem: key.spkiPem,
      algorithm: key.algorithm,
      remembered_until: null,
      created_at: now,
      last_seen_at: now,
      revoked_at: null,
      revoked_reason: null,
    };
    await this.#repo.insert(device);
    for (const r of records) await this.#factors.insert(r, deviceId);
    await this.#added(device, ctx);
    return { deviceId, keyId: key.deviceId, userId: enr.user_id };
  }

  async #added(device: DevicesTable, ctx: AuditContext): Promise<void> {
    await this.#audit.record({
      ...ctx,
      deviceId: device.id,
      name: 'device.added',
      outcome: 'success',
      subjectUserId: device.user_id,
      data: { deviceId: device.id, kind: device.kind },
    });
    await this.#notifier.notify(device.user_id, {
      kind: 'device_added',
      title: device.kind === 'browser' ? 'New sign-in' : 'New device added',
      body: `New ${device.kind} "${device.name}" from ${ctx.ip ?? 'an unknown network'}. If this was not you, revoke it and change your password.`,
      data: { deviceId: device.id },
    });
  }

  async #own(userId: string, id: string): Promise<DevicesTable> {
    const d = await this.#repo.find(id);
    if (!d || d.user_id !== userId) throw new AppError('DEVICE_NOT_FOUND');
    return d;
  }
}

function view(d: DevicesTable, current: string | null): DeviceView {
  return {
    id: d.id,
    kind: d.kind,
    name: d.name,
    state: d.state,
    rememberedUntil: d.remembered_until === null ? null : new Date(Number(d.remembered_until)).toISOString(),
    createdAt: new Date(Number(d.created_at)).toISOString(),
    lastSeenAt: new Date(Number(d.last_seen_at)).toISOString(),
    current: d.id === current,
  };
}

function browserName(ua: string): string {
  const browser = /Firefox/.test(ua)
    ? 'Firefox'
    : /Edg\//.test(ua)
      ? 'Edge'
      : /Chrome/.test(ua)
        ? 'Chrome'
        : /Safari/.test(ua)
          ? 'Safari'
          : 'Browser';
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /Mac OS/.test(ua)
      ? 'macOS'
      : /Android/.test(ua)
        ? 'Android'
        : /iPhone|iPad/.test(ua)
          ? 'iOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}
