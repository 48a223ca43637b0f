import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` of @node-rs/argon2 (a const enum, which type stripping cannot read). */
const ARGON2ID = 2;
import { normalisePassword } from './password-policy.ts';

export interface Argon2Params {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing. @node-rs/argon2 runs each hash as a native async task on
 * libuv's thread pool, never on the event loop's thread. A dummy hash with the
 * same parameters lets an unknown login name cost the same as a wrong password.
 */
export class PasswordHasher {
  readonly #opts: { algorithm: typeof ARGON2ID; memoryCost: number; timeCost: number; parallelism: number };
  #dummy: Promise<string> | undefined;

  constructor(params: Argon2Params) {
    this.#opts = {
      algorithm: ARGON2ID,
      memoryCost: params.memoryKib,
      timeCost: params.timeCost,
      parallelism: params.parallelism,
    };
  }

  hash(password: string): Promise<string> {
    return hash(normalisePassword(password), this.#opts);
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, normalisePassword(password));
    } catch {
      return false;
    }
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
