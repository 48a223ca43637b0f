import { randomBytes } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { KeyRing } from '../store/envelope.ts';
import { toAppError } from './factor-errors.ts';
import type { FactorRow, FactorStore } from './factor-store.ts';
import { FactorInputError } from './factors/record.ts';
import { recoveryCodeFactor } from './factors/recovery-codes.ts';
import { smsFactor } from './factors/sms.ts';
import { SmsDeliveryError, type SmsSender } from './factors/sms-senders.ts';
import { totpFactor } from './factors/totp.ts';
import type { FactorMethod, StoredFactor, UsedFactor } from './factors/types.ts';
import { webAuthnAuthenticationOptions } from './factors/webauthn.ts';
import { webAuthnFactor } from './factors/webauthn-factor.ts';
import type { GuessLimiter } from './guess-limiter.ts';
import type { PushRepository } from './push/repository.ts';

export { toAppError };

export interface FactorView {
  id: string;
  method: string;
  label: string;
  status: string;
  deviceId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  remainingCodes?: number;
}

export interface FactorDeps {
  store: FactorStore;
  repo: PushRepository;
  ring: KeyRing;
  audit: AuditTrail;
  limiter: GuessLimiter;
  sms: { enabled: boolean; sender: SmsSender };
  webauthn: { rpId: string; rpName: string; origin: string };
  now: () => number;
}

/** Outcome of verifying a code-based factor; `code` is the factor module's failure code. */
export type VerifyResult =
  | { ok: true; used: UsedFactor; factorId: string }
  | { ok: false; code: string; details?: Record<string, unknown> };

/**
 * Enrolment, confirmation, listing and removal of second factors, and their
 * verification for sign-in and step-up. Secrets are sealed by FactorStore;
 * recovery and SMS codes are HMACs under a pepper sealed in `authn_secrets`.
 */
export class FactorService {
  readonly #d: FactorDeps;
  #pepper: Uint8Array | null = null;
  constructor(deps: FactorDeps) {
    this.#d = deps;
  }

  get smsEnabled(): boolean {
    return this.#d.sms.enabled;
  }

  async list(userId: string): Promise<FactorView[]> {
    const rows = await this.#d.store.listForUser(userId, ['active']);
    return rows.map(factorView);
  }

  async activeMethods(userId: string): Promise<FactorMethod[]> {
    const rows = await this.#d.store.listForUser(userId, ['active']);
    return [...new Set(rows.map((r) => r.method))].filter(
      (m) => m !== 'device_key' && (m !== 'sms' || this.smsEnabled),
    );
  }

  async hasSecondFactor(userId: string): Promise<boolean> {
    return (await this.activeMethods(userId)).some((m) => m !== 'recovery_code');
  }

  async enrollTotp(user: { id: string; loginName: string }, label: string, ctx: AuditContext) {
    const { record, enrollment } = await totpFactor.enroll(
      { userId: user.id, label, account: user.loginName },
      this.#ctx(),
    );
    await this.#insert(record, ctx);
    return {
      id: record.id,
      method: 'totp',
      uri: enrollment.uri,
      secret: enrollment.secret,
      qr: enrollment.qr,
    };
  }

  async enrollWebAuthn(
    user: { id: string; loginName: string; displayName: string },
    label: string,
    ctx: AuditContext,
  ) {
    const existing = (await this.#d.store.listForUser(user.id)).filter((f) => f.method === 'webauthn');
    const { record, enrollment } = await webAuthnFactor.enroll(
      {
        userId: user.id,
        label,
        rp: { id: this.#d.webauthn.rpId, name: this.#d.webauthn.rpName },
        user: { id: user.id, name: user.loginName, displayName: user.displayName },
        existingCredentials: existing.flatMap((f) => {
          const c = (f.data as { credential: { credentialId: string } | null }).credential;
          return c ? [{ credentialId: c.credentialId }] : [];
        }),
      },
      this.#ctx(),
    );
    await this.#insert(record, ctx);
    return { id: record.id, method: 'webauthn', options: enrollment.options };
  }

  async enrollSms(userId: string, phone: string, ctx: AuditContext) {
    if (!this.smsEnabled) throw new AppError('SMS_DISABLED');
    try {
      const { record, enrollment } = await smsFactor.enroll(
        { userId, label: 'Text message', phone, pepper: await this.#getPepper(), sender: this.#d.sms.sender },
        this.#ctx(),
      );
      await this.#insert(record, ctx);
      return {
        id: record.id,
        method: 'sms',
        ...enrollment,
        expiresAt: new Date(enrollment.expiresAt).toISOString(),
      };
    } catch (e) {
      if (e instanceof FactorInputError) throw new AppError('SMS_PHONE_INVALID');
      if (e instanceof SmsDeliveryError) throw new AppError('SMS_DELIVERY_FAILED');
      throw e;
    }
  }

  /** Confirms a pending TOTP, WebAuthn or SMS enrolment of this user. */
  async confirm(userId: string, id: string, input: { code?: string; response?: unknown }, ctx: AuditContext) {
    const f = await this.#d.store.find(id);
    if (!f || f.userId !== userId || f.status !== 'pending') throw new AppError('ENROLLMENT_NOT_FOUND');
    await this.#d.limiter.check(`factor:${userId}`);
    const outcome = await this.#confirmWith(f, input);
    if (!outcome.ok) {
      await this.#d.limiter.fail(`factor:${userId}`);
      await this.#audit('factor.rejected', 'failure', f, ctx, outcome.code);
      throw toAppError(outcome.code);
    }
    await this.#save({ ...f, ...outcome.record });
    await this.#audit('factor.confirmed', 'success', f, ctx);
    return factorView({ ...f, ...outcome.record });
  }

  async #confirmWith(f: FactorRow, input: { code?: string; response?: unknown }) {
    const ctx = this.#ctx();
    const code = input.code ?? '';
    if (f.method === 'totp') return totpFactor.confirm(f as never, { code }, ctx);
    if (f.method === 'sms')
      return smsFactor.confirm(f as never, { code, pepper: await this.#getPepper() }, ctx);
    if (f.method === 'webauthn') {
      return webAuthnFactor.confirm(
        f as never,
        {
          response: input.response as RegistrationResponseJSON,
          expectedOrigin: this.#d.webauthn.origin,
          expectedRpId: this.#d.webauthn.rpId,
        },
        ctx,
      );
    }
    throw new AppError('FACTOR_METHOD_UNAVAILABLE');
  }

  /** A new set of ten recovery codes; the old set stops working at once. */
  async regenerateRecoveryCodes(userId: string, ctx: AuditContext): Promise<{ codes: string[] }> {
    const old = (await this.#d.store.listForUser(userId)).filter((f) => f.method === 'recovery_code');
    const { record, enrollment } = await recoveryCodeFactor.enroll(
      { userId, label: 'Recovery codes', pepper: await this.#getPepper() },
      this.#ctx(),
    );
    const active = { ...record, status: 'active' as const, confirmedAt: this.#d.now() };
    await this.#d.store.insert(active);
    for (const f of old) await this.#save({ ...f, ...recoveryCodeFactor.remove(f as never, this.#ctx()) });
    await this.#d.audit.record({
      ...ctx,
      name: 'recovery_codes.regenerated',
      outcome: 'success',
      subjectUserId: userId,
      data: { factorId: active.id, replaced: old.length },
    });
    return { codes: enrollment.codes };
  }

  async remove(userId: string, id: string, ctx: AuditContext): Promise<void> {
    const f = await this.#d.store.find(id);
    if (!f || f.userId !== userId || f.status === 'removed') throw new AppError('FACTOR_NOT_FOUND');
    if (f.status === 'active' && f.method !== 'recovery_code') {
      const others = (await this.#d.store.listForUser(userId)).filter(
        (o) => o.id !== id && !['recovery_code', 'device_key'].includes(o.method),
      );
      if (others.length === 0) throw new AppError('LAST_FACTOR');
    }
    await this.#save({ ...f, status: 'removed', removedAt: this.#d.now() });
    await this.#audit('factor.removed', 'success', f, ctx);
  }

  // ── verification (sign-in and step-up) ────────────────────────────────

  async verifyTotp(userId: string, code: string): Promise<VerifyResult> {
    const factors = (await this.#d.store.listForUser(userId)).filter((f) => f.method === 'totp');
    let last: VerifyResult = { ok: false, code: 'TOTP_INVALID' };
    for (const f of factors) {
      const r = await totpFactor.verify(f as never, { code }, this.#ctx());
      if (r.ok) return this.#used(f, r.record, r.used);
      last = { ok: false, code: r.code };
      if (r.code === 'TOTP_REPLAYED' || r.code === 'TOTP_MALFORMED') return last;
    }
    return last;
  }

  async verifyRecoveryCode(userId: string, code: string): Promise<VerifyResult> {
    const f = (await this.#d.store.listForUser(userId)).find((x) => x.method === 'recovery_code');
    if (!f) return { ok: false, code: 'RECOVERY_CODE_INVALID' };
    const r = await recoveryCodeFactor.verify(
      f as never,
      { code, pepper: await this.#getPepper() },
      this.#ctx(),
    );
    return r.ok ? this.#used(f, r.record, r.used) : { ok: false, code: r.code };
  }

  async webAuthnOptions(userId: string) {
    const factors = (await this.#d.store.listForUser(userId)).filter((f) => f.method === 'webauthn');
    if (factors.length === 0) throw new AppError('FACTOR_METHOD_UNAVAILABLE');
    return webAuthnAuthenticationOptions({
      rpId: this.#d.webauthn.rpId,
      credentials: factors.flatMap((f) => {
        const c = (f.data as { credential: { credentialId: string; transports: string[] } | null })
          .credential;
        return c ? [{ credentialId: c.credentialId, transports: c.transports }] : [];
      }),
    });
  }

  async verifyWebAuthn(
    userId: string,
    challenge: string,
    response: AuthenticationResponseJSON,
  ): Promise<VerifyResult> {
    const factors = (await this.#d.store.listForUser(userId)).filter((f) => f.method === 'webauthn');
    const f = factors.find(
      (x) =>
        (x.data as { credential: { credentialId: string } | null }).credential?.credentialId === response?.id,
    );
    if (!f) return { ok: false, code: 'WEBAUTHN_UNKNOWN_CREDENTIAL' };
    if ((f.data as { cloneSuspectedAt: number | null }).cloneSuspectedAt)
      return { ok: false, code: 'WEBAUTHN_SIGN_COUNT_REGRESSION' };
    const r = await webAuthnFactor.verify(
      f as never,
      {
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.#d.webauthn.origin,
        expectedRpId: this.#d.webauthn.rpId,
      },
      this.#ctx(),
    );
    if (r.ok) return this.#used(f, r.record, r.used);
    if (r.code === 'WEBAUTHN_SIGN_COUNT_REGRESSION') {
      await this.#save({ ...f, ...r.record });
      await this.#audit('factor.flagged', 'deny', f, {}, r.code);
    }
    return { ok: false, code: r.code };
  }

  /** Sends a sign-in code bound to `flowId`; only its HMAC is stored. */
  async sendSms(userId: string, flowId: string): Promise<{ phone: string; expiresAt: number }> {
    const f = (await this.#d.store.listForUser(userId)).find((x) => x.method === 'sms');
    if (!this.smsEnabled || !f) throw new AppError('FACTOR_METHOD_UNAVAILABLE');
    const { sendSmsSignInCode, maskPhoneNumber } = await import('./factors/sms.ts');
    let next: StoredFactor;
    try {
      next = await sendSmsSignInCode(
        f as never,
        { pepper: await this.#getPepper(), sender: this.#d.sms.sender },
        this.#ctx(),
      );
    } catch (e) {
      if (e instanceof SmsDeliveryError) throw new AppError('SMS_DELIVERY_FAILED');
      throw e;
    }
    const ch = (
      next.data as { challenge: { id: string; codeHash: string; createdAt: number; expiresAt: number } }
    ).challenge;
    await this.#d.repo.insertSms({
      id: ch.id,
      user_id: userId,
      factor_id: f.id,
      flow_id: flowId,
      code_hash: ch.codeHash,
      attempts: 0,
      created_at: ch.createdAt,
      expires_at: ch.expiresAt,
      consumed_at: null,
    });
    return { phone: maskPhoneNumber((f.data as { phone: string }).phone), expiresAt: ch.expiresAt };
  }

  async verifySms(userId: string, flowId: string, code: string): Promise<VerifyResult> {
    const row = await this.#d.repo.latestSmsForFlow(flowId);
    if (!row || row.user_id !== userId) return { ok: false, code: 'SMS_NO_CHALLENGE' };
    const f = await this.#d.store.find(row.factor_id);
    if (f?.status !== 'active') return { ok: false, code: 'SMS_NO_CHALLENGE' };
    const challenge = {
      id: row.id,
      phone: '',
      codeHash: row.code_hash,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      attempts: row.attempts,
      consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    };
    const withChallenge = { ...f, data: { ...(f.data as object), challenge } };
    const r = await smsFactor.verify(
      withChallenge as never,
      { code, pepper: await this.#getPepper() },
      this.#ctx(),
    );
    const after = (r.record.data as { challenge: typeof challenge }).challenge;
    await this.#d.repo.updateSms(row.id, { attempts: after.attempts, consumed_at: after.consumedAt });
    return r.ok ? { ok: true, used: r.used, factorId: f.id } : { ok: false, code: r.code };
  }

  async #used(f: FactorRow, record: StoredFactor, used: UsedFactor): Promise<VerifyResult> {
    if (!(await this.#d.store.update({ ...f, ...record }))) return { ok: false, code: 'TOTP_REPLAYED' };
    return { ok: true, used, factorId: f.id };
  }

  async #save(f: FactorRow): Promise<void> {
    if (!(await this.#d.store.update(f))) throw new AppError('FACTOR_NOT_FOUND');
  }

  async #insert(record: StoredFactor, ctx: AuditContext): Promise<void> {
    await this.#d.store.insert(record);
    await this.#audit('factor.enrolled', 'info', record, ctx);
  }

  async #audit(
    name: 'factor.enrolled' | 'factor.confirmed' | 'factor.removed' | 'factor.rejected' | 'factor.flagged',
    outcome: 'success' | 'failure' | 'info' | 'deny',
    f: StoredFactor,
    ctx: AuditContext,
    reason?: string,
  ): Promise<void> {
    await this.#d.audit.record({
      ...ctx,
      name,
      outcome,
      reason: reason ?? null,
      subjectUserId: f.userId,
      data: { factorId: f.id, method: f.method },
    });
  }

  /** The HMAC pepper for recovery and SMS codes: 256 random bits, sealed under the key ring, made once. */
  async #getPepper(): Promise<Uint8Array> {
    if (this.#pepper) return this.#pepper;
    const existing = await this.#d.repo.secret('code-pepper');
    const sealed =
      existing?.sealed ??
      (await this.#d.repo.putSecretOnce(
        'code-pepper',
        this.#d.ring.seal(randomBytes(32), 'secret:code-pepper'),
        this.#d.now(),
      ));
    this.#pepper = new Uint8Array(this.#d.ring.open(sealed, 'secret:code-pepper'));
    return this.#pepper;
  }

  #ctx() {
    return { now: this.#d.now() };
  }
}

function factorView(f: FactorRow): FactorView {
  const codes = (f.data as { codes?: Array<{ usedAt: number | null }> }).codes;
  return {
    id: f.id,
    method: f.method,
    label: f.label,
    status: f.status,
    deviceId: f.deviceId,
    createdAt: new Date(f.createdAt).toISOString(),
    lastUsedAt: f.lastUsedAt === null ? null : new Date(f.lastUsedAt).toISOString(),
    ...(f.method === 'recovery_code' && codes
      ? { remainingCodes: codes.filter((c) => c.usedAt === null).length }
      : {}),
  };
}
