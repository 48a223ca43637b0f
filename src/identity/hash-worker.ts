/**
 * One password-hashing thread. It lowers its own scheduling priority first
 * (on Linux `setpriority(PRIO_PROCESS, 0)` applies to the calling thread), so
 * that under a sign-in storm the event loop and every other request keep the
 * CPU they need, and argon2id takes what is left.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

export interface HashJob {
  id: number;
  op: 'hash' | 'verify';
  password: string;
  stored?: string;
  options: { algorithm: 2; memoryCost: number; timeCost: number; parallelism: number };
}

export interface HashResult {
  id: number;
  value?: string | boolean;
  error?: string;
}

try {
  setPriority(0, (workerData as { nice: number }).nice);
} catch {
  // Not permitted in this environment: run at the normal priority.
}

parentPort?.on('message', (job: HashJob) => {
  let result: HashResult;
  try {
    result = {
      id: job.id,
      value:
        job.op === 'hash'
          ? hashSync(job.password, job.options)
          : verifySync(job.stored ?? '', job.password, job.options),
    };
  } catch (err) {
    // The message names the failure (for example a malformed stored hash); it never holds the password.
    result = { id: job.id, error: err instanceof Error ? err.message : 'argon2 failed' };
  }
  parentPort?.postMessage(result);
});
