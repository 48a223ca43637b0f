import type { Services } from '../container.ts';
import { AppError } from '../errors/index.ts';
import { CLI_CTX, type Flags, str } from './admin-commands.ts';
import { type Io, printObject, printTable, UsageError } from './output.ts';

const USAGE = `usage: portcullis app add CLIENT_ID --name N --redirect-uri URI [--redirect-uri URI …] [--public]
       portcullis app list
       portcullis app rotate CLIENT_ID
       portcullis app remove CLIENT_ID`;

/** Third-party OAuth apps: register (secret shown once), list, rotate a secret, remove (revokes every grant). */
export async function appCommand(services: Services, io: Io, args: string[], flags: Flags): Promise<number> {
  const clients = services.credentials.oauthClients;
  const [sub, target] = args;
  switch (sub) {
    case 'add': {
      const name = str(flags, 'name');
      const uris = flags['redirect-uri'];
      if (!target || !name || uris === undefined) throw new UsageError(USAGE);
      const redirectUris = Array.isArray(uris) ? uris : [String(uris)];
      try {
        const { client, secret } = await clients.register(
          { clientId: target, name, redirectUris, public: flags['public'] === true },
          CLI_CTX,
        );
        printObject(io, { ...client, ...(secret ? { clientSecret: secret } : {}) });
        if (secret && !io.json) io.err('The client secret is shown once; hand it to the app securely.');
      } catch (error) {
        if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
          const issues = (error.details?.['issues'] ?? []) as { path: string; message: string }[];
          throw new UsageError(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
        }
        throw error;
      }
      return 0;
    }
    case 'list':
      printTable(
        io,
        (await clients.list()).map((c) => ({ ...c, redirectUris: c.redirectUris.join(' ') })),
        ['clientId', 'name', 'kind', 'redirectUris'],
      );
      return 0;
    case 'rotate': {
      if (!target) throw new UsageError(USAGE);
      const { client, secret } = await clients.rotateSecret(target, CLI_CTX);
      printObject(io, { ...client, clientSecret: secret });
      if (!io.json) io.err('The new secret is shown once; the old one no longer works.');
      return 0;
    }
    case 'remove': {
      if (!target) throw new UsageError(USAGE);
      printObject(io, { removed: target, grantsRevoked: await clients.remove(target, CLI_CTX) });
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}
