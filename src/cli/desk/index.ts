import { parseArgs } from 'node:util';
import { DeskApiError, DeskClient } from './client.ts';
import { runCommand } from './commands.ts';
import { terminalPrompter } from './prompt.ts';
import { DeskStore, deskHome } from './store.ts';

export const DESK_HELP = `portcullis desk — the desktop terminal

usage: portcullis desk [COMMAND] [--server URL] [--json]

  (no command)               live blotter with a command line (buy, sell, cancel, flatten, kill, keys, quit)
  enrol CODE                 enrol this installation with the code from Security centre → desktop
  login [--user NAME] [--password-stdin]
  logout | whoami | status | positions | orders
  buy|sell QTY SYMBOL [limit PRICE] [day|gtc|ioc]
  cancel ORDER_ID | cancel all
  flatten [SYMBOL]           close positions (never needs a step-up)
  kill                       kill switch: halt, cancel everything, suspend keys
  keys list | create NAME SCOPE[,SCOPE…] [ACCOUNT_ID] [paper|live] | rotate ID | revoke ID
                             API keys (scopes: account:read orders:read trade trade:reduce-only kill market-data)

The key and the session live in $XDG_CONFIG_HOME/portcullis/desk (mode 0600).`;

/** Entry of `portcullis desk …`; returns the exit code. */
export async function runDesk(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${DESK_HELP}\n`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${DESK_HELP}\n`);
    return 0;
  }
  const store = new DeskStore(deskHome(env));
  const server =
    values.server ??
    store.session()?.server ??
    store.device()?.server ??
    env.PORTCULLIS_SERVER ??
    'http://localhost:8080';
  // A test seam: pretends this computer's clock is off (the clock-skew path).
  const client = new DeskClient(server, Number(env.PORTCULLIS_DESK_CLOCK_OFFSET_MS ?? 0) || 0);
  const saved = store.session();
  if (saved && saved.server === client.server) client.token = saved.token;
  const prompt = terminalPrompter();
  const json = values.json === true;
  try {
    return await runCommand({ client, store, prompt, json, values, env }, positionals);
  } catch (err) {
    const e =
      err instanceof DeskApiError
        ? { code: err.code, message: err.message, details: err.details }
        : { code: 'ERROR', message: (err as Error).message };
    if (json) process.stdout.write(`${JSON.stringify({ error: e })}\n`);
    else process.stderr.write(`${e.code}: ${e.message}\n`);
    return err instanceof DeskApiError && err.status === 401 ? 3 : 1;
  } finally {
    prompt.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      server: { type: 'string' },
      user: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
    },
  });
}

export type DeskValues = ReturnType<typeof parse>['values'];
