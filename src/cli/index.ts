import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import { createServices } from '../container.ts';
import { AppError } from '../errors/index.ts';
import { startServer, stopOnSignals } from '../server.ts';
import { migrateToLatest, openStore } from '../store/index.ts';
import { auditCommand, sessionCommand, userCommand } from './admin-commands.ts';
import { appCommand } from './app-commands.ts';
import { runDesk } from './desk/index.ts';
import { EXIT, type Io, UsageError } from './output.ts';

const HELP = `portcullis — secure access for brokerage accounts

usage: portcullis COMMAND [options] [--json]

  serve                                   run the HTTP service
  migrate                                 apply database migrations
  user add LOGIN [--email E] [--phone P] [--name N] [--admin] [--password-stdin]
  user list [--limit N]
  user lock|unlock|disable|enable USER [--reason R]
  session list [--user USER]
  session revoke SESSION_ID
  audit verify                            recompute the hash chain (exit 1 when broken)
  audit tail [--limit N] [--user USER] [--name EVENT]
  app add CLIENT_ID --name N --redirect-uri URI [--redirect-uri URI …] [--public]
                                          register a third-party OAuth app (secret shown once)
  app list
  app rotate CLIENT_ID                    a new secret for a confidential app (shown once; the old one dies)
  app remove CLIENT_ID                    remove an app and revoke every grant given to it
  desk [COMMAND]                          the desktop terminal client (portcullis desk --help)

Configuration comes from the environment (see docs/configuration.md).`;

export function processIo(json: boolean): Io {
  return {
    json,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Runs one CLI command; returns the exit code. */
export async function runCli(
  argv: string[],
  makeIo: (json: boolean) => Io = processIo,
  env = process.env,
): Promise<number> {
  if (argv[0] === 'desk') return runDesk(argv.slice(1), env);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${HELP}\n`);
    return EXIT.usage;
  }
  const { positionals, values } = parsed;
  const io = makeIo(values.json === true);
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    io.out(HELP);
    return command || values.help ? EXIT.ok : EXIT.usage;
  }
  try {
    const config = loadConfig(env);
    if (command === 'serve') {
      stopOnSignals(await startServer(config));
      return EXIT.ok;
    }
    if (command === 'migrate') {
      const store = openStore(config.databaseUrl);
      const applied = await migrateToLatest(store.db);
      await store.close();
      io.out(
        io.json
          ? JSON.stringify({ applied })
          : applied.length
            ? `applied: ${applied.join(', ')}`
            : 'database is up to date',
      );
      return EXIT.ok;
    }
    const handler = { user: userCommand, session: sessionCommand, audit: auditCommand, app: appCommand }[
      command
    ];
    if (!handler) throw new UsageError(`unknown command ${command}`);
    const services = await createServices(config);
    try {
      return await handler(services, io, rest, values);
    } finally {
      await services.close();
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      io.err(err.message);
      return EXIT.config;
    }
    if (err instanceof AppError) {
      io.err(
        io.json
          ? JSON.stringify({ error: { code: err.code, message: err.message } })
          : `${err.code}: ${err.message}`,
      );
      return err.status === 404 ? EXIT.notFound : EXIT.failure;
    }
    throw err;
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
      email: { type: 'string' },
      phone: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
      reason: { type: 'string' },
      user: { type: 'string' },
      limit: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
    },
  });
}
