import { SseParser } from '../../../sdk/src/sse.ts';
/**
 * The one way the front ends talk to the server. The portal's session lives
 * only in the HttpOnly `__Host-pc_session` cookie; the CSRF token is kept in
 * memory (never in storage) and sent as `X-CSRF-Token` on every change. The
 * mobile app sends a bearer token held in memory for the unlocked period.
 */

export interface ErrorBody {
  code: string;
  message: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.details = body.details ?? {};
  }
  /** The route itself does not exist on this server yet (not a missing resource). */
  get unavailable(): boolean {
    return this.status === 404 && this.code === 'NOT_FOUND';
  }
}

let csrfToken: string | null = null;
let bearer: string | null = null;

export function setCsrf(token: string | null | undefined): void {
  csrfToken = token ?? null;
}
export function setBearer(token: string | null): void {
  bearer = token;
}

const SAFE = new Set(['GET', 'HEAD']);

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? safeParse(text) : undefined;
  if (!res.ok) {
    const err = (json as { error?: ErrorBody } | undefined)?.error;
    throw new ApiError(res.status, err ?? { code: 'INTERNAL', message: `HTTP ${res.status}` });
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
  api<T>('POST', path, body, headers);
export const del = <T>(path: string) => api<T>('DELETE', path);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);

/**
 * Follows a server-sent-event stream with this page's credentials: `EventSource`
 * cannot send a bearer token, so the stream is read through `fetch`. Resolves
 * when the server ends it; rejects when it cannot be opened or breaks.
 */
export async function followStream(
  path: string,
  onEvent: (type: string, data: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`/api/v1${path}`, { headers, credentials: 'same-origin', signal });
  if (!res.ok || !res.body)
    throw new ApiError(res.status, { code: 'STREAM_UNAVAILABLE', message: 'No stream' });
  const parser = new SseParser();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const e of parser.push(value)) onEvent(e.event, safeParse(e.data));
  }
}
