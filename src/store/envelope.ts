import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for secrets that must be recoverable (TOTP seeds, HMAC
 * key secrets). Each value is sealed with a fresh 256-bit data key under
 * AES-256-GCM; the data key is itself sealed under a key-encryption key (KEK)
 * named by its id, so KEKs can be rotated: the first key of the ring encrypts,
 * every key decrypts, and `reseal` moves a value to the active KEK.
 *
 * Format: `v1.<kid>.<wrappedKey>.<iv>.<ciphertext>.<tag>` (base64url parts);
 * the wrapped key is `iv|ciphertext|tag` of the data key. An associated-data
 * string binds a sealed value to its owner (for example the factor id) so a
 * ciphertext cannot be moved to another row.
 */
export class KeyRing {
  readonly activeKid: string;
  readonly #keys: Map<string, KeyObject>;

  constructor(keys: ReadonlyArray<{ kid: string; key: Buffer }>) {
    if (keys.length === 0) throw new TypeError('KeyRing needs at least one key');
    this.#keys = new Map();
    for (const { kid, key } of keys) {
      if (key.length !== 32) throw new TypeError(`KEK ${kid} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new TypeError(`KEK id ${kid} is invalid`);
      this.#keys.set(kid, createSecretKey(key));
    }
    this.activeKid = keys[0]!.kid;
  }

  /** Parses "kid:base64[,kid:base64…]". */
  static parse(spec: string): KeyRing {
    return new KeyRing(
      spec.split(',').map((part) => {
        const [kid, b64] = part.split(':') as [string, string];
        return {
          kid,
          key: Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64'),
        };
      }),
    );
  }

  seal(plaintext: Buffer | string, aad: string): string {
    const dataKey = randomBytes(32);
    const wrapped = gcmEncrypt(this.#keys.get(this.activeKid)!, dataKey, `kek:${aad}`);
    const body = gcmEncrypt(createSecretKey(dataKey), Buffer.from(plaintext), aad);
    dataKey.fill(0);
    return [
      'v1',
      this.activeKid,
      b64(Buffer.concat([wrapped.iv, wrapped.ct, wrapped.tag])),
      b64(body.iv),
      b64(body.ct),
      b64(body.tag),
    ].join('.');
  }

  open(sealed: string, aad: string): Buffer {
    const parts = sealed.split('.');
    if (parts.length !== 6 || parts[0] !== 'v1') throw new TypeError('not a sealed value');
    const [, kid, wrappedB64, ivB64, ctB64, tagB64] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const kek = this.#keys.get(kid);
    if (!kek) throw new Error(`unknown key-encryption key id ${kid}`);
    const wrapped = Buffer.from(wrappedB64, 'base64url');
    const dataKey = gcmDecrypt(
      kek,
      wrapped.subarray(0, 12),
      wrapped.subarray(12, 44),
      wrapped.subarray(44),
      `kek:${aad}`,
    );
    const plain = gcmDecrypt(
      createSecretKey(dataKey),
      Buffer.from(ivB64, 'base64url'),
      Buffer.from(ctB64, 'base64url'),
      Buffer.from(tagB64, 'base64url'),
      aad,
    );
    dataKey.fill(0);
    return plain;
  }

  /** Re-encrypts under the active KEK (key rotation). */
  reseal(sealed: string, aad: string): string {
    return sealed.split('.')[1] === this.activeKid ? sealed : this.seal(this.open(sealed, aad), aad);
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64url');
}

function gcmEncrypt(key: KeyObject, plaintext: Buffer, aad: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

function gcmDecrypt(key: KeyObject, iv: Buffer, ct: Buffer, tag: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ct), decipher.final()]);
}
