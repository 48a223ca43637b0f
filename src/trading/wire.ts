import { parseWithdrawalLimits } from '../accounts/entities.ts';
import { AccountRepository } from '../accounts/repository.ts';
import { AccountService } from '../accounts/service.ts';
import type { AuditContext } from '../audit/index.ts';
import type { AuthnServices } from '../authn/wire.ts';
import type { FoundationServices } from '../container.ts';
import type { Principal } from '../policy/principal.ts';
import {
  type CircuitBreakEvent,
  ControlService,
  type KillSwitchEvent,
  type KillSwitchResult,
} from '../risk/control.ts';
import { pricesFromQuotes } from '../risk/types.ts';
import { DEFAULT_CATALOGUE, type InstrumentCatalogue } from './catalogue.ts';
import { dec } from './decimal.ts';
import { TradingEngine } from './engine.ts';
import { AccountEventHub } from './events.ts';
import { FundsService } from './funds.ts';
import { GroupCommit } from './group-commit.ts';
import { type AuthnPorts, authnPorts, enforce } from './ports.ts';
import { SimulatedQuoteFeed } from './quotes.ts';
import { OrderService } from './service.ts';

export type { ApprovalsPort, NotifierPort, PolicyPort } from './ports.ts';

/** Accounts, the paper venue, risk and funds, wired once per node. */
export interface TradingServices {
  readonly accounts: AccountService;
  readonly catalogue: InstrumentCatalogue;
  readonly feed: SimulatedQuoteFeed;
  readonly engine: TradingEngine;
  readonly orders: OrderService;
  readonly control: ControlService;
  readonly funds: FundsService;
  readonly hub: AccountEventHub;
  readonly ports: AuthnPorts;
  /** Kill switch from any way in (portal, mobile, desktop, API credential); never step-up. */
  killSwitch(
    accountId: string,
    principal: Principal,
    options: { flatten?: boolean; reason?: string },
    ctx: AuditContext,
  ): Promise<KillSwitchResult>;
  onKillSwitch(listener: (event: KillSwitchEvent) => Promise<void>): void;
  onCircuitBreak(listener: (event: CircuitBreakEvent) => Promise<void>): void;
  /** Steps the simulated feed by hand and waits until the fills it caused are committed. */
  advanceQuotes(steps?: number): Promise<void>;
  stop(): void;
}

export async function createTradingServices(
  base: FoundationServices,
  authn: AuthnServices,
): Promise<TradingServices> {
  const { config, store, audit } = base;
  const ports = authnPorts(authn);
  const accounts = new AccountService({
    repo: new AccountRepository(store.db, { cacheMs: config.sessionCacheMs, now: nowOf(base) }),
    audit,
    now: nowOf(base),
    enforce: (principal, action, ctx, auditCtx) => enforce(ports, principal, action, ctx, auditCtx),
  });
  await accounts.init(parseWithdrawalLimits(config.withdrawalLimits));
  const catalogue = DEFAULT_CATALOGUE;
  const feed = new SimulatedQuoteFeed({
    instruments: catalogue.all(),
    seed: config.quoteSeed,
    startAt: nowOf(base)(),
  });
  const hub = new AccountEventHub();
  let control: ControlService | undefined;
  let orders: OrderService | undefined;
  const engine = new TradingEngine({
    audit,
    commit: new GroupCommit(store.db, audit),
    catalogue,
    quotes: feed,
    prices: pricesFromQuotes(feed),
    hub,
    now: nowOf(base),
    onDenied: (book, caller, code) => control?.denied(book.account.id, caller.actor.credential?.id, code),
    evict: (id) => orders?.evict(id),
  });
  orders = new OrderService({ store, accounts, engine, ports, audit });
  control = new ControlService({
    accounts,
    orders,
    engine,
    audit,
    hub,
    ports,
    now: nowOf(base),
    cooldownMs: config.unfreezeCooldownSeconds * 1000,
    breaker: {
      maxDenials: config.circuitBreakerDenials,
      windowMs: config.circuitBreakerWindowSeconds * 1000,
    },
  });
  const funds = new FundsService({
    store,
    accounts,
    orders,
    engine,
    audit,
    ports,
    keyRing: config.keyRing,
    now: nowOf(base),
    options: {
      payeeHoldMs: config.payeeHoldHours * 3_600_000,
      withdrawalDelayMs: config.withdrawalDelaySeconds * 1000,
      approvalThreshold: dec(config.withdrawalApprovalThreshold),
    },
  });
  ports.approvals?.onDecision((id, outcome) => funds.onApproval(id, outcome));

  const pending = new Set<Promise<void>>();
  const quoteListener = (quote: Parameters<Parameters<SimulatedQuoteFeed['subscribe']>[1]>[0]) => {
    const p = engine.onQuote(quote, orders.loadedBooks());
    if (p) {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
  };
  const unsubscribe = feed.subscribe(
    catalogue.all().map((i) => i.symbol),
    quoteListener,
  );
  if (config.quoteIntervalMs > 0) feed.start(config.quoteIntervalMs);
  const settleTimer = setInterval(() => void funds.settle().catch(() => {}), 30_000);
  settleTimer.unref();

  return {
    accounts,
    catalogue,
    feed,
    engine,
    orders,
    control,
    funds,
    hub,
    ports,
    killSwitch: (accountId, principal, options, ctx) =>
      control.killSwitch(accountId, principal, options, ctx),
    onKillSwitch: (l) => control.onKillSwitch(l),
    onCircuitBreak: (l) => control.onCircuitBreak(l),
    advanceQuotes: async (steps = 1) => {
      feed.advance(steps);
      await Promise.allSettled([...pending]);
    },
    stop: () => {
      feed.stop();
      unsubscribe();
      clearInterval(settleTimer);
    },
  };
}

/** The clock the foundation was built with (tests control it). */
function nowOf(base: FoundationServices): () => number {
  return base.now;
}
