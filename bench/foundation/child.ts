import { type ChildProcess, fork } from 'node:child_process';
import { benchServerExecArgv } from '../support.ts';

export interface BenchServer {
  port: number;
  password: string;
  argon2: { memoryKib: number; timeCost: number; parallelism: number; threads: number };
  request<T>(type: string, reply: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts bench/foundation/server-child.ts in its own Node 24 process. */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const child: ChildProcess = fork(new URL('./server-child.ts', import.meta.url), [], {
    env: { ...process.env, ...env },
    execArgv: benchServerExecArgv(),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onMsg = (m: Record<string, unknown>) => {
        if (m['type'] === type) {
          child.off('message', onMsg);
          resolve(m);
        }
      };
      child.on('message', onMsg);
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
  const ready = await next('ready');
  return {
    port: ready['port'] as number,
    password: ready['password'] as string,
    argon2: ready['argon2'] as BenchServer['argon2'],
    request: async <T>(type: string, reply: string) => {
      const p = next(reply);
      child.send({ type });
      return (await p) as T;
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}
