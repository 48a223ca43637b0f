/**
 * Accounts: legal entities, opening accounts, memberships, and the one access
 * check every account route runs. A caller without a role on an account gets
 * ACCOUNT_NOT_FOUND, never a hint that it exists.
 */
import type { AuditContext, AuditTrail } from '../audit/index.ts';
import { AppError } from '../errors/index.ts';
import type { Action, ActionContext } from '../policy/actions.ts';
import type { Principal } from '../policy/principal.ts';
import type { ProductPermissions, Role } from '../risk/types.ts';
import { newId } from '../store/ids.ts';
import type { Decimal } from '../trading/decimal.ts';
import type { FactorTier, LegalEntity } from './entities.ts';
import { seedEntities } from './entities.ts';
import {
  type AccountKind,
  type AccountRecord,
  DEFAULT_ACCOUNT_LIMITS,
  type Feed,
  NO_PERMISSIONS,
} from './model.ts';
import type { AccountRepository } from './repository.ts';

export interface AccountAccess {
  readonly account: AccountRecord;
  readonly role: Role;
  readonly entity: LegalEntity;
}

export interface OpenAccountInput {
  ownerUserId: string;
  entityId: string;
  name: string;
  kind?: AccountKind;
  accountType?: 'cash' | 'margin';
  permissions?: Partial<ProductPermissions>;
  subscriptions?: Feed[];
  parentId?: string | null;
}

/** Product permissions a customer may request (`margin` is an account type, not a product class). */
export const REQUESTABLE_PRODUCTS = ['stocks', 'options', 'futures', 'forex', 'forecast', 'margin'] as const;
export type RequestableProduct = (typeof REQUESTABLE_PRODUCTS)[number];
const PRODUCT_CLASS: Record<RequestableProduct, string | null> = {
  stocks: 'stock',
  options: 'option',
  futures: 'future',
  forex: 'forex',
  forecast: 'forecast',
  margin: null,
};

/** The policy check of an action (the authn domain's engine, wired in; absent in bare set-ups). */
export type Enforce = (
  principal: Principal,
  action: Action,
  ctx: ActionContext,
  audit: AuditContext,
) => Promise<void>;

export class AccountService {
  readonly #repo: AccountRepository;
  readonly #audit: AuditTrail;
  readonly #now: () => number;
  readonly #enforce: Enforce | undefined;
  #entities = new Map<string, LegalEntity>();

  constructor(deps: { repo: AccountRepository; audit: AuditTrail; now: () => number; enforce?: Enforce }) {
    this.#repo = deps.repo;
    this.#audit = deps.audit;
    this.#now = deps.now;
    this.#enforce = deps.enforce;
  }

  /**
   * A request for a new product permission: owners only, a product the
   * account's entity offers, a fresh second factor (policy); recorded for review.
   */
  async requestPermission(
    principal: Principal,
    accountId: string,
    input: { product: RequestableProduct; level?: number | undefined },
    ctx: AuditContext,
  ): Promise<{ id: string; status: 'pending_review' }> {
    const access = await this.access(principal, accountId);
    requireRole(access, ['owner'], 'request_permission');
    const cls = PRODUCT_CLASS[input.product];
    if (cls !== null && !(access.entity.products as readonly string[]).includes(cls)) {
      throw new AppError('PRODUCT_NOT_OFFERED', {
        details: { product: input.product, entity: access.entity.id },
      });
    }
    await this.#enforce?.(principal, 'request_permission', { accountId }, ctx);
    const id = newId('prq');
    const level = input.level ?? null;
    await this.#repo.recordPermissionRequest({
      id,
      accountId,
      userId: principal.userId,
      product: input.product,
      level,
      at: this.#now(),
    });
    await this.#audit.record({
      ...ctx,
      name: 'permission.requested',
      outcome: 'success',
      data: { accountId, product: input.product, level },
    });
    return { id, status: 'pending_review' };
  }

  get repo(): AccountRepository {
    return this.#repo;
  }

  /** Seeds (or refreshes) the legal entities with the configured withdrawal-limit table. */
  async init(withdrawalLimits: Record<FactorTier, Decimal>): Promise<void> {
    await this.#repo.upsertEntities(seedEntities(withdrawalLimits));
    this.#entities = new Map((await this.#repo.entities()).map((e) => [e.id, e]));
  }

  entities(): LegalEntity[] {
    return [...this.#entities.values()];
  }

  entity(id: string): LegalEntity {
    const e = this.#entities.get(id);
    if (!e) throw new TypeError(`unknown legal entity ${id}`);
    return e;
  }

  /** Opens an account with its owner; permissions the entity does not offer are dropped. */
  async open(input: OpenAccountInput, ctx: AuditContext): Promise<AccountRecord> {
    const entity = this.entity(input.entityId);
    const offered = new Set(entity.products);
    const wanted = { ...NO_PERMISSIONS, ...input.permissions };
    const permissions: ProductPermissions = {
      stocks: wanted.stocks && offered.has('stock'),
      options: offered.has('option') ? wanted.options : 0,
      futures: wanted.futures && offered.has('future'),
      forex: wanted.forex && offered.has('forex'),
      forecast: wanted.forecast && offered.has('forecast'),
    };
    const now = this.#now();
    const account: AccountRecord = {
      id: newId('acc'),
      entityId: entity.id,
      parentId: input.parentId ?? null,
      name: input.name,
      kind: input.kind ?? 'individual',
      accountType: input.accountType ?? 'margin',
      baseCurrency: entity.baseCurrency,
      status: 'active',
      environment: 'paper',
      permissions,
      subscriptions: input.subscriptions ?? ['us_equities'],
      limits: { ...DEFAULT_ACCOUNT_LIMITS },
      tradingState: 'ACTIVE',
      haltedAt: null,
      createdAt: now,
    };
    await this.#repo.insert(account, [{ accountId: account.id, userId: input.ownerUserId, role: 'owner' }]);
    await this.#audit.record({
      ...ctx,
      name: 'account.created',
      outcome: 'success',
      subjectUserId: input.ownerUserId,
      data: { accountId: account.id, entity: entity.id, type: account.accountType },
    });
    return account;
  }

  async grant(accountId: string, userId: string, role: Role, ctx: AuditContext): Promise<void> {
    await this.#repo.addMember({ accountId, userId, role }, this.#now());
    await this.#audit.record({
      ...ctx,
      name: 'account_member.added',
      outcome: 'success',
      subjectUserId: userId,
      data: { accountId, role },
    });
  }

  /**
   * The caller's role on the account, or ACCOUNT_NOT_FOUND. A program's
   * credential must also name the account and match its environment.
   */
  async access(principal: Principal, accountId: string): Promise<AccountAccess> {
    if (principal.kind !== 'session') {
      const c = principal.constraints;
      if (!c.accounts.has(accountId)) throw new AppError('ACCOUNT_NOT_FOUND');
    }
    const [account, role] = await Promise.all([
      this.#repo.find(accountId),
      this.#repo.roleOf(accountId, principal.userId),
    ]);
    if (!account || !role) throw new AppError('ACCOUNT_NOT_FOUND');
    if (principal.kind !== 'session' && principal.environment !== account.environment) {
      throw new AppError('ACCOUNT_NOT_FOUND');
    }
    return { account, role, entity: this.entity(account.entityId) };
  }

  async listFor(principal: Principal): Promise<{ account: AccountRecord; role: Role }[]> {
    const all = await this.#repo.listForUser(principal.userId);
    if (principal.kind === 'session') return all;
    return all.filter(
      (a) =>
        principal.constraints.accounts.has(a.account.id) && a.account.environment === principal.environment,
    );
  }
}

/** Refuses unless the caller's role is one of `allowed` (ROLE_NOT_ALLOWED, 403). */
export function requireRole(access: AccountAccess, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(access.role)) {
    throw new AppError('ROLE_NOT_ALLOWED', { details: { role: access.role, action } });
  }
}
