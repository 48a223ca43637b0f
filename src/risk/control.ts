/**
 * Account controls: the kill switch, unfreeze, limits and the credential
 * circuit breaker. The kill switch is one call from any way in and never
 * meets step-up: HALTED, every open order cancelled, listeners (credential
 * suspension) run, optional flatten, audited and notified. Unfreeze and
 * loosening limits add risk: they go through the policy engine.
 */

import { type AccountLimits, DEFAULT_ACCOUNT_LIMITS } from '../accounts/model.ts';
import type { AccountService } from '../accounts/service.ts';
import { requireRole } from '../accounts/service.ts';
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { Principal } from '../policy/principal.ts';
import type { AccountBook } from '../trading/books.ts';
import { dec } from '../trading/decimal.ts';
import type { TradingEngine } from '../trading/engine.ts';
import type { AccountEventHub } from '../trading/events.ts';
import { type AuthnPorts, enforce, notifyAll } from '../trading/ports.ts';
import type { FlattenResult, OrderService } from '../trading/service.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { actorOf } from './credential-actor.ts';

export interface KillSwitchEvent {
  accountId: string;
  userIds: string[];
  reason: string;
  ctx: AuditContext;
}
export interface CircuitBreakEvent {
  accountId: string;
  credentialId: string;
  reason: string;
}
export interface KillSwitchResult {
  tradingState: 'HALTED';
  cancelledOrders: number;
  listenerFailures: number;
  flattened: FlattenResult[] | null;
}

export class ControlService {
  readonly #accounts: AccountService;
  readonly #orders: OrderService;
  readonly #engine: TradingEngine;
  readonly #audit: AuditTrail;
  readonly #hub: AccountEventHub;
  readonly #ports: AuthnPorts;
  readonly #now: () => number;
  readonly #cooldownMs: number;
  readonly #breaker: CircuitBreaker;
  readonly #killListeners: ((e: KillSwitchEvent) => Promise<void>)[] = [];
  readonly #breakListeners: ((e: CircuitBreakEvent) => Promise<void>)[] = [];

  constructor(deps: {
    accounts: AccountService;
    orders: OrderService;
    engine: TradingEngine;
    audit: AuditTrail;
    hub: AccountEventHub;
    ports: AuthnPorts;
    now: () => number;
    cooldownMs: number;
    breaker: { maxDenials: number; windowMs: number };
  }) {
    this.#accounts = deps.accounts;
    this.#orders = deps.orders;
    this.#engine = deps.engine;
    this.#audit = deps.audit;
    this.#hub = deps.hub;
    this.#ports = deps.ports;
    this.#now = deps.now;
    this.#cooldownMs = deps.cooldownMs;
    this.#breaker = new CircuitBreaker(deps.breaker);
  }

  onKillSwitch(listener: (e: KillSwitchEvent) => Promise<void>): void {
    this.#killListeners.push(listener);
  }

  onCircuitBreak(listener: (e: CircuitBreakEvent) => Promise<void>): void {
    this.#breakListeners.push(listener);
  }

  /** Any member role and any valid caller may halt; never step-up. */
  async killSwitch(
    accountId: string,
    principal: Principal,
    options: { flatten?: boolean; reason?: string },
    ctx: AuditContext,
  ): Promise<KillSwitchResult> {
    const access = await this.#accounts.access(principal, accountId);
    const book = await this.#orders.book(accountId);
    const reason = options.reason ?? 'kill_switch';
    const now = this.#now();
    await this.#setState(book, 'HALTED', now, reason);
    const cancelledOrders = await this.#engine.cancelAll(book, 'kill_switch', ctx);
    const userIds = (await this.#accounts.repo.members(accountId)).map((m) => m.userId);
    const event: KillSwitchEvent = { accountId, userIds, reason, ctx };
    const settled = await Promise.allSettled(this.#killListeners.map((l) => l(event)));
    const listenerFailures = settled.filter((s) => s.status === 'rejected').length;
    const flattened = options.flatten
      ? await this.#orders.flattenBook(
          book,
          { userId: principal.userId, actor: actorOf(principal, access.role) },
          undefined,
          ctx,
        )
      : null;
    await this.#audit.record({
      ...ctx,
      name: 'account.halted',
      outcome: 'success',
      reason,
      data: { accountId, cancelledOrders, listenerFailures, flatten: options.flatten === true },
    });
    this.#hub.emit({ type: 'kill_switch', accountId, data: { cancelledOrders, reason } });
    await notifyAll(this.#ports, userIds, {
      kind: 'kill_switch',
      title: 'Account halted',
      body: `Trading on account ${access.account.name} was halted and ${cancelledOrders} open orders were cancelled.`,
      data: { accountId },
    });
    return { tradingState: 'HALTED', cancelledOrders, listenerFailures, flattened };
  }

  /** Moves an ACTIVE account to REDUCING (only reducing orders pass); any role, never step-up. */
  async reduceOnly(
    accountId: string,
    principal: Principal,
    ctx: AuditContext,
  ): Promise<'REDUCING' | 'HALTED'> {
    await this.#accounts.access(principal, accountId);
    const book = await this.#orders.book(accountId);
    if (book.state.tradingState === 'HALTED') return 'HALTED';
    await this.#setState(book, 'REDUCING', this.#now(), `reduce_only by ${ctx.interface ?? 'service'}`);
    return 'REDUCING';
  }

  async #setState(book: AccountBook, to: 'ACTIVE' | 'REDUCING' | 'HALTED', now: number, reason: string) {
    const change = book.state.setTradingState(to, reason);
    const haltedAt = to === 'HALTED' ? (change ? now : (book.account.haltedAt ?? now)) : null;
    await this.#accounts.repo.setTradingState(book.account.id, to, haltedAt, now);
    book.setAccount({ ...book.account, tradingState: to, haltedAt });
    if (change) {
      await this.#audit.record({
        name: 'trading_state.changed',
        outcome: 'info',
        reason,
        data: { accountId: book.account.id, from: change.from, to: change.to, direction: change.direction },
      });
      this.#hub.emit({ type: 'trading_state', accountId: book.account.id, data: { from: change.from, to } });
    }
  }

  /** Owner only, a person's session, through the policy (step-up), after the cool-down. */
  async unfreeze(accountId: string, principal: Principal, ctx: AuditContext): Promise<void> {
    const access = await this.#accounts.access(principal, accountId);
    requireRole(access, ['owner'], 'unfreeze');
    const book = await this.#orders.book(accountId);
    if (book.state.tradingState === 'ACTIVE') throw new AppError('TRADING_NOT_HALTED');
    const now = this.#now();
    const haltedAt = book.account.haltedAt ?? 0;
    if (now - haltedAt < this.#cooldownMs) {
      throw new AppError('UNFREEZE_COOLDOWN', {
        details: { retryAfterSeconds: Math.ceil((haltedAt + this.#cooldownMs - now) / 1000) },
      });
    }
    await enforce(this.#ports, principal, 'unfreeze', { accountId }, ctx);
    await this.#setState(book, 'ACTIVE', now, 'unfreeze');
    await this.#audit.record({ ...ctx, name: 'account.unfrozen', outcome: 'success', data: { accountId } });
  }

  async getLimits(principal: Principal, accountId: string): Promise<AccountLimits> {
    return (await this.#accounts.access(principal, accountId)).account.limits;
  }

  /** Tightening takes effect at once; any loosening goes through the policy (step-up). */
  async setLimits(principal: Principal, accountId: string, patch: Partial<AccountLimits>, ctx: AuditContext) {
    const access = await this.#accounts.access(principal, accountId);
    requireRole(access, ['owner'], 'set_limits');
    const current = access.account.limits;
    const next: AccountLimits = { ...current, ...patch };
    validateLimits(next);
    const loosens =
      next.maxOpenOrders > current.maxOpenOrders ||
      next.maxOrdersPerSecond > current.maxOrdersPerSecond ||
      dec(next.maxOrderNotional).gt(dec(current.maxOrderNotional)) ||
      dec(next.dailyLossLimit).gt(dec(current.dailyLossLimit));
    await enforce(this.#ports, principal, loosens ? 'loosen_limits' : 'tighten_limits', { accountId }, ctx);
    await this.#accounts.repo.setLimits(accountId, next, this.#now());
    const book = await this.#orders.book(accountId);
    book.setAccount({ ...book.account, limits: next });
    await this.#audit.record({
      ...ctx,
      name: 'limits.changed',
      outcome: 'success',
      reason: loosens ? 'loosened' : 'tightened',
      data: { accountId, ...next },
    });
    return next;
  }

  /** Called on every risk denial: a credential that keeps being denied trips its breaker. */
  denied(accountId: string, credentialId: string | undefined, code: string): void {
    if (credentialId === undefined || !this.#breaker.recordDenial(credentialId, this.#now())) return;
    const event = { accountId, credentialId, reason: `repeated_denials:${code}` };
    void this.#audit
      .record({
        name: 'credential.circuit_broken',
        outcome: 'deny',
        reason: code,
        data: { accountId, credentialId },
      })
      .catch(() => {});
    for (const l of this.#breakListeners) void l(event).catch(() => {});
    void this.#accounts.repo
      .members(accountId)
      .then((members) =>
        notifyAll(
          this.#ports,
          members.map((m) => m.userId),
          {
            kind: 'circuit_breaker',
            title: 'API credential suspended',
            body: 'An API credential was suspended after repeated order denials.',
            data: { accountId, credentialId },
          },
        ),
      )
      .catch(() => {});
  }
}

export const LIMIT_BOUNDS = {
  maxOpenOrders: [0, 20_000],
  maxOrdersPerSecond: [1, 1_000],
} as const;

function validateLimits(l: AccountLimits): void {
  const problems: string[] = [];
  if (l.maxOpenOrders < LIMIT_BOUNDS.maxOpenOrders[0] || l.maxOpenOrders > LIMIT_BOUNDS.maxOpenOrders[1])
    problems.push('maxOpenOrders must be 0–20000');
  if (l.maxOrdersPerSecond < 1 || l.maxOrdersPerSecond > 1_000)
    problems.push('maxOrdersPerSecond must be 1–1000');
  if (dec(l.maxOrderNotional).isNegative()) problems.push('maxOrderNotional must be ≥ 0');
  if (dec(l.dailyLossLimit).isNegative()) problems.push('dailyLossLimit must be ≥ 0');
  if (problems.length > 0) throw new AppError('LIMITS_INVALID', { details: { problems } });
}

export { DEFAULT_ACCOUNT_LIMITS };
