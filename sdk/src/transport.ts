/**
 * Signed HTTP with safe retries.
 *
 * Retry rules (the only cases retried):
 *   - the request is safe to repeat: GET or HEAD, or a POST carrying an
 *     Idempotency-Key (the server answers a repeat with the first result);
 *   - and the failure says "not done": a network error or timeout, 429 or 503.
 * Waits grow exponentially with full jitter and honour Retry-After; when the
 * server asks for a longer wait than `maxDelayMs`, the error is raised instead.
 * Every attempt is signed again with a fresh timestamp and nonce.
 *
 * One more case is retried once for any method: TIMESTAMP_OUT_OF_WINDOW. The
 * server refuses such a request before doing anything, so after adopting the
 * server's clock (details.serverTime) sending it again is safe.
 */
import {
  errorFromResponse,
  NetworkError,
  type PortcullisError,
  TimestampOutOfWindowError,
} from './errors.ts';
import type { Signer } from './signer.ts';

export interface RetryOptions {
  /** Attempts in total, including the first; default 3. */
  maxAttempts?: number;
  /** First backoff step; default 200 ms. */
  baseDelayMs?: number;
  /** Longest single wait; default 10 s. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  baseUrl: string;
  signer: Signer;
  retry?: RetryOptions;
  /** Per-attempt timeout for a whole request (headers and body); default 15 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  headers?: Record<string, string>;
  /** Test seams. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  accept?: string;
  extraHeaders?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** For streams: the timeout covers only the wait for response headers. */
  stream?: boolean;
}

/** A successful answer, read in full. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export class Transport {
  readonly #base: URL;
  readonly #signer: Signer;
  readonly #fetch: typeof fetch;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  /** Server clock minus local clock, learnt from TIMESTAMP_OUT_OF_WINDOW answers. */
  clockOffsetMs = 0;

  constructor(options: TransportOptions) {
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#signer = options.signer;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#maxAttempts = options.retry?.maxAttempts ?? 3;
    this.#baseDelayMs = options.retry?.baseDelayMs ?? 200;
    this.#maxDelayMs = options.retry?.maxDelayMs ?? 10_000;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#headers = options.headers ?? {};
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  url(spec: RequestSpec): URL {
    const url = new URL(spec.path.replace(/^\//, ''), this.#base);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  /** Sends the request (retrying where safe) and returns the successful answer's status, headers and text. */
  request(spec: RequestSpec): Promise<Reply> {
    return this.#run(spec, async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
  }

  /** Opens a streaming response (retrying the connection where safe); the timeout covers only the headers. */
  openStream(spec: RequestSpec): Promise<Response> {
    return this.#run(spec, async (r) => r);
  }

  async #run<T>(spec: RequestSpec, read: (response: Response) => Promise<T>): Promise<T> {
    const url = this.url(spec);
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const repeatable = spec.method === 'GET' || spec.method === 'HEAD' || spec.idempotencyKey !== undefined;
    let resynced = false;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(spec, url, body, read);
      if (outcome.ok) return outcome.value;
      const error = outcome.error;
      if (error instanceof TimestampOutOfWindowError && !resynced && error.serverTime !== undefined) {
        this.clockOffsetMs = error.serverTime - this.#now();
        resynced = true;
        attempt--;
        continue;
      }
      const transient = error instanceof NetworkError || error.status === 429 || error.status === 503;
      if (!repeatable || !transient || attempt >= this.#maxAttempts) throw error;
      const wait = this.#delay(attempt, error);
      if (wait === undefined) throw error;
      await this.#sleep(wait, spec.signal);
    }
  }

  /** Backoff with full jitter, or the server's Retry-After; undefined when that is longer than we wait. */
  #delay(attempt: number, error: PortcullisError): number | undefined {
    const asked = error.details['retryAfterMs'];
    if (typeof asked === 'number') return asked <= this.#maxDelayMs ? asked : undefined;
    const ceiling = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling * this.#random());
  }

  #signedHeaders(spec: RequestSpec, url: URL, body: string | undefined): Record<string, string> {
    const signed = this.#signer.sign({
      method: spec.method,
      pathWithQuery: url.pathname + url.search,
      body,
      timestamp: Math.round(this.#now() + this.clockOffsetMs),
    });
    return {
      ...this.#headers,
      ...spec.extraHeaders,
      accept: spec.accept ?? 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(spec.idempotencyKey !== undefined && { 'idempotency-key': spec.idempotencyKey }),
      ...signed,
    };
  }

  /** One attempt: the value read from a successful answer, or the error it produced. */
  async #attempt<T>(
    spec: RequestSpec,
    url: URL,
    body: string | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: PortcullisError }> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error('timeout')), this.#timeoutMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, timeout.signal]) : timeout.signal;
    try {
      const response = await this.#fetch(url, {
        method: spec.method,
        headers: this.#signedHeaders(spec, url, body),
        body,
        signal,
      });
      if (response.ok) return { ok: true, value: await read(response) };
      const text = await response.text();
      return { ok: false, error: errorFromResponse(response.status, parseJson(text), response.headers) };
    } catch (error) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      const timedOut = timeout.signal.aborted;
      const message = timedOut ? `No answer within ${this.#timeoutMs} ms` : 'The request could not be sent';
      const code = timedOut ? 'TIMEOUT' : 'NETWORK_ERROR';
      return { ok: false, error: new NetworkError({ code, message, status: 0, cause: error }) };
    } finally {
      clearTimeout(timer);
    }
  }
}

export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
