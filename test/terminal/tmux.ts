import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = `${ROOT}node_modules/.bin/node`;

/** A real pseudo-terminal: a detached tmux session driven by send-keys and read by capture-pane. */
export class Tmux {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  /** Starts `portcullis desk ARGS` in a 140×45 terminal with the given environment. */
  static desk(name: string, args: string[], env: Record<string, string>): Tmux {
    const exports = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const cmd = `cd ${shellQuote(ROOT)} && env ${exports.join(' ')} ${shellQuote(NODE)} src/main.ts desk ${args.map(shellQuote).join(' ')}; echo "[exit $?]"; sleep 600`;
    execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', '140', '-y', '45', cmd]);
    return new Tmux(name);
  }

  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text]);
  }
  enter(text = ''): void {
    if (text) this.type(text);
    execFileSync('tmux', ['send-keys', '-t', this.name, 'Enter']);
  }
  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-J', '-t', this.name], { encoding: 'utf8' });
  }

  /** Waits until the screen matches (or fails with the screen in the message). */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<string> {
    const until = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (pattern.test(s)) return s;
      if (Date.now() > until) throw new Error(`terminal never showed ${pattern}:\n${s}`);
      await sleep(150);
    }
  }

  kill(): void {
    try {
      execFileSync('tmux', ['kill-session', '-t', this.name]);
    } catch {
      // already gone
    }
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
