import { Worker } from 'node:worker_threads';
import type { HashJob, HashResult } from './hash-worker.ts';

interface Pending {
  resolve(value: string | boolean): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * A fixed pool of low-priority threads for argon2id (see hash-worker.ts).
 * Jobs go to the least busy thread; threads never keep the process alive.
 * The password crosses only into threads of this same process.
 */
export class HashPool {
  readonly #slots: Slot[];
  readonly #pending = new Map<number, Pending>();
  #next = 1;

  constructor(options: { threads: number; nice: number }) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new TypeError('HashPool needs at least one thread');
    }
    this.#slots = Array.from({ length: options.threads }, () => this.#spawn(options.nice));
  }

  run(job: Omit<HashJob, 'id'>): Promise<string | boolean> {
    const id = this.#next++;
    const slot = this.#slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    // A thread with work keeps the process alive; an idle one never does.
    if (slot.busy++ === 0) slot.worker.ref();
    const done = () => {
      if (--slot.busy === 0) slot.worker.unref();
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (v) => {
          done();
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      slot.worker.postMessage({ ...job, id } satisfies HashJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
    for (const p of this.#pending.values()) p.reject(new Error('hash pool closed'));
    this.#pending.clear();
  }

  #spawn(nice: number): Slot {
    const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), { workerData: { nice } });
    worker.on('message', (r: HashResult) => {
      const p = this.#pending.get(r.id);
      if (!p) return;
      this.#pending.delete(r.id);
      if (r.error !== undefined) p.reject(new Error(r.error));
      else p.resolve(r.value as string | boolean);
    });
    worker.on('error', (err) => {
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.reject(err);
      }
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return { worker, busy: 0 };
  }
}
