import { randomBytes } from 'node:crypto';
import { AUDIT_EVENTS, type AuditEventName } from '../audit/index.ts';
import type { Services } from '../container.ts';
import { checkPassword } from '../identity/index.ts';
import { type Io, printObject, printTable, UsageError } from './output.ts';

export const CLI_CTX = { interface: 'cli' } as const;

export type Flags = Record<string, string | string[] | boolean | undefined>;

/** A single-valued option (the last one given wins). */
export function str(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  if (v === true) throw new UsageError(`--${name} needs a value`);
  if (Array.isArray(v)) return v.at(-1);
  return v === false ? undefined : v;
}

function intFlag(flags: Flags, name: string, fallback: number, max: number): number {
  const v = str(flags, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(v);
}

export async function userCommand(services: Services, io: Io, args: string[], flags: Flags): Promise<number> {
  const [sub, target] = args;
  switch (sub) {
    case 'add': {
      if (!target)
        throw new UsageError(
          'usage: portcullis user add LOGIN_NAME [--email E] [--phone P] [--name N] [--admin] [--password-stdin]',
        );
      let password = flags['password-stdin'] ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
      const generated = password === undefined;
      while (
        password === undefined ||
        (generated && checkPassword(password, { loginName: target }, { minLength: 12, maxLength: 256 }))
      ) {
        password = randomBytes(15).toString('base64url');
      }
      const user = await services.identity.createUser(
        {
          loginName: target,
          email: str(flags, 'email') ?? null,
          phone: str(flags, 'phone') ?? null,
          displayName: str(flags, 'name') ?? target,
          password,
          isAdmin: flags['admin'] === true,
        },
        CLI_CTX,
      );
      printObject(io, { ...user, ...(generated ? { generatedPassword: password } : {}) });
      if (generated && !io.json) io.err('The generated password is shown once; hand it over securely.');
      return 0;
    }
    case 'list': {
      const users = await services.identity.users.list(intFlag(flags, 'limit', 100, 10000));
      printTable(
        io,
        users.map((u) => ({
          id: u.id,
          loginName: u.login_name,
          email: u.email,
          status: u.status,
          admin: u.is_admin === 1,
        })),
        ['id', 'loginName', 'email', 'status', 'admin'],
      );
      return 0;
    }
    case 'lock':
    case 'unlock':
    case 'disable':
    case 'enable': {
      if (!target) throw new UsageError(`usage: portcullis user ${sub} USER_ID_OR_LOGIN_NAME [--reason R]`);
      const user = await services.identity.findUser(target);
      const status = sub === 'lock' ? 'locked' : sub === 'disable' ? 'disabled' : 'active';
      printObject(io, {
        ...(await services.identity.setStatus(
          user.id,
          status,
          str(flags, 'reason') ?? `cli_${sub}`,
          CLI_CTX,
        )),
      });
      return 0;
    }
    default:
      throw new UsageError('usage: portcullis user add|list|lock|unlock|disable|enable …');
  }
}

export async function sessionCommand(
  services: Services,
  io: Io,
  args: string[],
  flags: Flags,
): Promise<number> {
  const [sub, target] = args;
  if (sub === 'list') {
    const who = str(flags, 'user');
    const userId = who ? (await services.identity.findUser(who)).id : undefined;
    const sessions = await services.sessions.list(userId);
    printTable(io, sessions as unknown as Array<Record<string, unknown>>, [
      'id',
      'interface',
      'ip',
      'aal',
      'createdAt',
      'lastSeenAt',
      'expiresAt',
    ]);
    return 0;
  }
  if (sub === 'revoke') {
    if (!target) throw new UsageError('usage: portcullis session revoke SESSION_ID | --user USER');
    await services.sessions.revoke(target, { userId: 'cli', isAdmin: true }, 'admin_revoked', CLI_CTX);
    printObject(io, { revoked: target });
    return 0;
  }
  throw new UsageError('usage: portcullis session list [--user U] | revoke SESSION_ID');
}

export async function auditCommand(
  services: Services,
  io: Io,
  args: string[],
  flags: Flags,
): Promise<number> {
  const [sub] = args;
  if (sub === 'verify') {
    const result = await services.audit.verify();
    await services.audit.record({
      ...CLI_CTX,
      name: 'audit.verified',
      outcome: result.ok ? 'success' : 'failure',
      data: { checked: result.checked },
    });
    if (io.json) io.out(JSON.stringify(result));
    else if (result.ok) io.out(`audit chain intact: ${result.checked} events verified`);
    else
      io.out(
        `audit chain BROKEN at event ${result.brokenAt}: ${result.reason} (${result.checked} events verified before it)`,
      );
    return result.ok ? 0 : 1;
  }
  if (sub === 'tail') {
    const name = str(flags, 'name');
    if (name && !(AUDIT_EVENTS as readonly string[]).includes(name))
      throw new UsageError(`unknown event name ${name}`);
    const who = str(flags, 'user');
    const userId = who ? (await services.identity.findUser(who)).id : undefined;
    const events = await services.audit.query({
      limit: intFlag(flags, 'limit', 20, 10000),
      ...(userId ? { userId } : {}),
      ...(name ? { name: name as AuditEventName } : {}),
    });
    printTable(
      io,
      events.reverse().map((e) => ({ ...e, data: JSON.stringify(e.data) })),
      ['seq', 'at', 'name', 'outcome', 'reason', 'actorUserId', 'interface', 'ip'],
    );
    return 0;
  }
  throw new UsageError('usage: portcullis audit verify | tail [--limit N] [--user U] [--name EVENT]');
}
