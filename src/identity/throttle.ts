import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { normaliseIdentifier } from './users.ts';

export interface ThrottlePolicy {
  /** Failures allowed before delays start. */
  freeFailures: number;
  /** Consecutive failures that lock an existing account. */
  maxFailures: number;
  maxDelaySeconds: number;
}

export interface ThrottleState {
  failures: number;
  nextAllowedAt: number;
}

/**
 * Per-identifier consecutive-failure counter with progressive delay. It is keyed
 * by a hash of the normalised identifier whether or not such a user exists, so
 * an unknown login name is throttled exactly like a real one and the throttle
 * reveals nothing about which accounts exist.
 */
export class LoginThrottle {
  readonly #db: Kysely<Database>;
  readonly #policy: ThrottlePolicy;
  constructor(db: Kysely<Database>, policy: ThrottlePolicy) {
    this.#db = db;
    this.#policy = policy;
  }

  static keyFor(identifier: string): string {
    return createHash('sha256')
      .update(`login:${normaliseIdentifier(identifier)}`)
      .digest('hex');
  }

  /** Delay after the n-th consecutive failure: 0 while free, then 1 s, 2 s, 4 s … capped. */
  delayMs(failures: number): number {
    const over = failures - this.#policy.freeFailures;
    if (over < 0) return 0;
    return Math.min(2 ** Math.min(over, 30) * 1000, this.#policy.maxDelaySeconds * 1000);
  }

  async state(identifier: string): Promise<ThrottleState> {
    const row = await this.#db
      .selectFrom('login_throttle')
      .select(['failures', 'next_allowed_at'])
      .where('key', '=', LoginThrottle.keyFor(identifier))
      .executeTakeFirst();
    return { failures: row?.failures ?? 0, nextAllowedAt: row?.next_allowed_at ?? 0 };
  }

  /** Records a failure; returns the new consecutive count and whether the lock threshold is reached. */
  async fail(identifier: string, now: number): Promise<{ failures: number; reachedLock: boolean }> {
    const key = LoginThrottle.keyFor(identifier);
    const current = await this.state(identifier);
    const failures = current.failures + 1;
    const next = now + this.delayMs(failures);
    await this.#db
      .insertInto('login_throttle')
      .values({ key, failures, last_failure_at: now, next_allowed_at: next })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          failures: eb('login_throttle.failures', '+', 1),
          last_failure_at: now,
          next_allowed_at: next,
        })),
      )
      .execute();
    return { failures, reachedLock: failures >= this.#policy.maxFailures };
  }

  async reset(identifier: string): Promise<void> {
    await this.#db.deleteFrom('login_throttle').where('key', '=', LoginThrottle.keyFor(identifier)).execute();
  }
}
