import { randomUUID, sign } from 'node:crypto';

/** An answer that is not 2xx, with the server's stable code. */
export class DeskApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Above this the desk warns; the server refuses device proofs beyond its own bound (90 s by default). */
export const SKEW_WARN_MS = 30_000;

/**
 * The desk's HTTP client: bearer token, idempotency keys on orders, and the
 * clock check — every answer's `Date` header is compared with this computer's
 * clock (shifted by `clockOffsetMs` only when a test asks for it).
 */
export class DeskClient {
  readonly server: string;
  token: string | null = null;
  readonly clockOffsetMs: number;
  skewMs = 0;
  constructor(server: string, clockOffsetMs = 0) {
    this.server = server.replace(/\/+$/, '');
    this.clockOffsetMs = clockOffsetMs;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const h: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'portcullis-desk/1',
      ...headers,
    };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.token) h.authorization = `Bearer ${this.token}`;
    const sentAt = this.now();
    const res = await fetch(`${this.server}/api/v1${path}`, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const date = res.headers.get('date');
    // The Date header is truncated to the second: compare the middle of that second with the
    // middle of our request, and ignore what that resolution cannot tell apart.
    if (date) {
      const local = (sentAt + this.now()) / 2;
      const diff = local - (Date.parse(date) + 500);
      this.skewMs = Math.abs(diff) <= 1500 ? 0 : diff;
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const e = (json as { error?: { code: string; message: string; details?: Record<string, unknown> } })
        ?.error;
      throw new DeskApiError(
        res.status,
        e?.code ?? 'INTERNAL',
        e?.message ?? `HTTP ${res.status}`,
        e?.details,
      );
    }
    return json as T;
  }

  get = <T>(path: string) => this.call<T>('GET', path);
  post = <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.call<T>('POST', path, body, headers);
  del = <T>(path: string) => this.call<T>('DELETE', path);
  order = <T>(accountId: string, body: unknown) =>
    this.call<T>('POST', `/accounts/${accountId}/orders`, body, { 'idempotency-key': randomUUID() });

  /** "Your clock is 5 min 0 s behind the server" — or null when within the bound. */
  skewWarning(): string | null {
    if (Math.abs(this.skewMs) < SKEW_WARN_MS) return null;
    const s = Math.round(Math.abs(this.skewMs) / 1000);
    const text = s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
    return `warning: this computer's clock is ${text} ${this.skewMs < 0 ? 'behind' : 'ahead of'} the server; correct it or device sign-in will be refused (CLOCK_SKEW).`;
  }
}

/** The canonical device proof (src/authn/factors/README.md), Ed25519-signed, base64url. */
export function deviceProof(
  privateKeyPem: string,
  challenge: string,
  timestamp: number,
  keyId: string,
): string {
  return sign(null, Buffer.from(`${challenge}\n${timestamp}\n${keyId}`, 'utf8'), privateKeyPem).toString(
    'base64url',
  );
}
