import { availableParallelism } from 'node:os';
import { HashPool } from './hash-pool.ts';
import { normalisePassword } from './password-policy.ts';

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which type stripping cannot read). */
const ARGON2ID = 2;

export interface Argon2Params {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
  /** Hashing threads (default: the number of CPUs). */
  threads?: number;
  /** Their scheduling niceness, 0–19 (default 10: below the event loop). */
  nice?: number;
}

/**
 * argon2id hashing on a pool of low-priority threads (hash-pool.ts), never on
 * the event loop's thread: a burst of sign-ins saturates the CPU with hashing
 * while requests keep being served. A dummy hash with the same parameters
 * lets an unknown login name cost the same as a wrong password.
 */
export class PasswordHasher {
  readonly #opts: { algorithm: typeof ARGON2ID; memoryCost: number; timeCost: number; parallelism: number };
  readonly #pool: HashPool;
  #dummy: Promise<string> | undefined;

  constructor(params: Argon2Params) {
    this.#pool = new HashPool({
      threads: params.threads ?? availableParallelism(),
      nice: params.nice ?? 10,
    });
    this.#opts = {
      algorithm: ARGON2ID,
      memoryCost: params.memoryKib,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
    };
  }

  async hash(password: string): Promise<string> {
    return (await this.#pool.run({
      op: 'hash',
      password: normalisePassword(password),
      options: this.#opts,
    })) as string;
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return (
        (await this.#pool.run({
          op: 'verify',
          stored: storedHash,
          password: normalisePassword(password),
          options: this.#opts,
        })) === true
      );
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  /** Spends the same work as a real verification and always fails. */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash('portcullis-dummy-password-for-timing');
    await this.verify(await this.#dummy, password);
    return false;
  }

  /** True when a stored hash was made with other parameters and should be re-hashed at next sign-in. */
  needsRehash(storedHash: string): boolean {
    const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(storedHash);
    return (
      !m ||
      Number(m[1]) !== this.#opts.memoryCost ||
      Number(m[2]) !== this.#opts.timeCost ||
      Number(m[3]) !== this.#opts.parallelism
    );
  }
}
