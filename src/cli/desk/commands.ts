import { enrolInstallation, signIn, withStepUp } from './auth.ts';
import { DeskApiError, type DeskClient } from './client.ts';
import type { DeskValues } from './index.ts';
import { interactive } from './interactive.ts';
import type { Prompter } from './prompt.ts';
import type { DeskStore } from './store.ts';
import { firstAccount, loadBlotter, parseOrder, renderBlotter } from './trading.ts';

export interface DeskCtx {
  client: DeskClient;
  store: DeskStore;
  prompt: Prompter;
  json: boolean;
  values: DeskValues;
  env: NodeJS.ProcessEnv;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** Prints the value as JSON in `--json` mode, as the given lines otherwise. */
function show(ctx: DeskCtx, value: unknown, lines: () => string[]): number {
  if (ctx.json) out(JSON.stringify(value));
  else for (const l of lines()) out(l);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function login(ctx: DeskCtx): Promise<number> {
  const user = ctx.values.user ?? (await ctx.prompt.ask('login name: ')).trim();
  const password = ctx.values['password-stdin']
    ? await readStdin()
    : await ctx.prompt.ask('password: ', true);
  const say = ctx.json ? err : out;
  const session = await signIn(ctx.client, ctx.store, ctx.prompt, say, user, password);
  return show(ctx, { signedIn: true, expiresAt: session.expiresAt, aal: session.aal }, () => [
    `signed in as ${user} (AAL${session.aal}) until ${session.expiresAt}`,
  ]);
}

/** One command: `portcullis desk <positionals>`; an empty command starts the live blotter. */
export async function runCommand(ctx: DeskCtx, words: string[]): Promise<number> {
  const [cmd, ...rest] = words;
  const { client } = ctx;
  if (cmd === 'enrol' || cmd === 'enroll') {
    const r = await enrolInstallation(client, ctx.store, rest[0] ?? '', ctx.values.name);
    return show(ctx, r, () => [
      `this installation is enrolled as device ${r.deviceId}; key stored in ${ctx.store.dir}`,
    ]);
  }
  if (cmd === 'login') return login(ctx);
  if (!client.token) {
    if (ctx.json || cmd)
      throw new DeskApiError(401, 'UNAUTHENTICATED', 'Not signed in: run `portcullis desk login`.');
    await login(ctx);
  }
  const accountPath = async (suffix: string) => `/accounts/${(await firstAccount(client)).id}${suffix}`;
  switch (cmd) {
    case undefined:
      return interactive(ctx);
    case 'logout':
      await client.post('/logout', {});
      ctx.store.forgetSession();
      return show(ctx, { signedOut: true }, () => ['signed out']);
    case 'whoami': {
      const me = await client.get<{
        user: { loginName: string; displayName: string };
        session: { aal: number; interface: string };
      }>('/me');
      const warning = client.skewWarning();
      if (warning) err(warning);
      return show(ctx, { ...me, clockSkewMs: client.skewMs }, () => [
        `${me.user.displayName} (${me.user.loginName}) — ${me.session.interface}, AAL${me.session.aal}`,
      ]);
    }
    case 'status':
    case 'positions':
    case 'orders': {
      const b = await loadBlotter(client);
      const value = cmd === 'positions' ? b.positions : cmd === 'orders' ? b.orders : b;
      return show(ctx, value, () => renderBlotter(b));
    }
    case 'buy':
    case 'sell': {
      const account = (await firstAccount(client)).id;
      const body = parseOrder([cmd, ...rest]);
      const order = await withStepUp(client, ctx.prompt, ctx.json ? err : out, 'place_order', () =>
        client.order<{ id: string; status: string }>(account, body),
      );
      return show(ctx, order, () => [`order ${order.id} ${order.status}`]);
    }
    case 'cancel': {
      if (rest[0] === 'all') {
        const r = await client.post<unknown>(await accountPath('/orders/cancel-all'), {});
        return show(ctx, r, () => ['all open orders cancelled']);
      }
      if (!rest[0]) throw new Error('usage: cancel ORDER_ID | cancel all');
      await client.del(await accountPath(`/orders/${rest[0]}`));
      return show(ctx, { cancelled: rest[0] }, () => [`order ${rest[0]} cancelled`]);
    }
    case 'flatten': {
      const r = await client.post<unknown>(
        await accountPath('/flatten'),
        rest[0] ? { symbol: rest[0].toUpperCase() } : {},
      );
      return show(ctx, r, () => [
        rest[0] ? `flattening ${rest[0].toUpperCase()}` : 'flattening every position',
      ]);
    }
    case 'kill': {
      const r = await client.post<unknown>(await accountPath('/kill-switch'), {});
      return show(ctx, r, () => ['KILL SWITCH ON: trading halted, orders cancelled, API keys suspended']);
    }
    case 'keys':
      return keys(ctx, rest);
    default:
      throw new Error(`unknown desk command "${cmd}" (portcullis desk --help)`);
  }
}

interface ApiKey {
  id: string;
  name: string;
  kind: string;
  scopes: string[];
  status: string;
  expiresAt: string;
  lastUsedAt: string | null;
  useCount: number;
}

const KEYS_USAGE =
  'usage: keys [list | create NAME SCOPE[,SCOPE…] [ACCOUNT_ID] [paper|live] | rotate ID | revoke ID]';

async function keys(ctx: DeskCtx, [sub = 'list', ...args]: string[]): Promise<number> {
  const { client } = ctx;
  if (sub === 'list') {
    const { keys: list } = await client.get<{ keys: ApiKey[] }>('/api-keys');
    return show(ctx, list, () =>
      list.length
        ? list.map(
            (k) =>
              `${k.id}  ${k.name}  ${k.kind}  ${k.scopes.join(',')}  ${k.status}  expires ${k.expiresAt}  used ${k.useCount}×`,
          )
        : ['no API keys'],
    );
  }
  if (sub === 'create') {
    const [name, scopes, account, environment = 'paper'] = args;
    if (!name || !scopes || (environment !== 'paper' && environment !== 'live')) throw new Error(KEYS_USAGE);
    const accountId = account ?? (await firstAccount(client)).id;
    // Creating a credential needs a fresh second factor: the desk asks for one when the server does.
    const r = await withStepUp(ctx.client, ctx.prompt, err, 'add_api_key', () =>
      client.post<{ key: ApiKey; secret?: string }>('/api-keys', {
        name,
        kind: 'hmac',
        scopes: scopes.split(','),
        constraints: { accounts: [accountId], environment },
      }),
    );
    return show(ctx, r, () => [`created ${r.key.id} for ${accountId}`, `secret (shown once): ${r.secret}`]);
  }
  const [id] = args;
  if (sub === 'rotate' && id) {
    const r = await withStepUp(ctx.client, ctx.prompt, err, 'add_api_key', () =>
      client.post<{ key: ApiKey; secret?: string }>(`/api-keys/${id}/rotate`, {}),
    );
    return show(ctx, r, () => [`rotated ${id}; new secret (shown once): ${r.secret}`]);
  }
  if (sub === 'revoke' && id) {
    await client.del<unknown>(`/api-keys/${id}`);
    return show(ctx, { revoked: id }, () => [`revoked ${id}`]);
  }
  throw new Error(KEYS_USAGE);
}
