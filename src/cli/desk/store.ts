import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The desk's files, in the user's config folder (mode 0700), each mode 0600:
 * `device.json` (the installation's Ed25519 private key and ids) and
 * `session.json` (the bearer token of the persistent desktop session).
 */
export interface DeviceFile {
  server: string;
  deviceId: string;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  enrolledAt: string;
}
export interface SessionFile {
  server: string;
  token: string;
  expiresAt: string;
  loginName: string;
}

export function deskHome(env: NodeJS.ProcessEnv): string {
  if (env.PORTCULLIS_DESK_HOME) return env.PORTCULLIS_DESK_HOME;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'portcullis', 'desk');
}

export class DeskStore {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  #write(name: string, value: unknown): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const file = join(this.dir, name);
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  #read<T>(name: string): T | null {
    const file = join(this.dir, name);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
  }

  device = () => this.#read<DeviceFile>('device.json');
  saveDevice = (d: DeviceFile) => this.#write('device.json', d);
  session = () => this.#read<SessionFile>('session.json');
  saveSession = (s: SessionFile) => this.#write('session.json', s);
  forgetSession = () => rmSync(join(this.dir, 'session.json'), { force: true });
}

/** A new Ed25519 installation key; the key id is base64url SHA-256 of its SPKI DER. */
export function newInstallationKey(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: createHash('sha256').update(der).digest('base64url'),
  };
}
