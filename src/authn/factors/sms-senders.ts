import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where SMS text goes. The message carries a one-time code, so no sender
 * logs it, puts it in an error, or returns it; a failure says only that
 * delivery failed (and the HTTP status for the webhook).
 */

export interface SmsMessage {
  /** E.164 phone number. */
  to: string;
  message: string;
}

export interface SmsSender {
  readonly kind: string;
  send(message: SmsMessage): Promise<void>;
}

export class SmsDeliveryError extends Error {
  readonly code = 'SMS_DELIVERY_FAILED';
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SmsDeliveryError';
    this.status = options.status;
  }
}

export const DEV_SMS_OUTBOX = 'sms-outbox.jsonl';

/**
 * Development sender: appends one JSON line `{"at","to","message"}` to
 * `<folder>/sms-outbox.jsonl` (created owner-only) and nothing else — the
 * developer reads codes from that file, never from the logs.
 */
export function createDevSmsSender(options: { folder: string; fileName?: string }): SmsSender {
  const file = join(options.folder, options.fileName ?? DEV_SMS_OUTBOX);
  return {
    kind: 'dev-file',
    async send({ to, message }) {
      await mkdir(options.folder, { recursive: true, mode: 0o700 });
      const line = `${JSON.stringify({ at: new Date().toISOString(), to, message })}\n`;
      await appendFile(file, line, { encoding: 'utf8', mode: 0o600 });
    },
  };
}

export interface WebhookSmsSenderOptions {
  /** http(s) URL the gateway listens on. */
  url: string;
  timeoutMs?: number;
  /** Extra headers, e.g. `authorization` for the gateway. */
  headers?: Record<string, string>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Webhook sender: POSTs `{"to","message"}` as JSON; any non-2xx answer or a timeout is an SmsDeliveryError. */
export function createWebhookSmsSender(options: WebhookSmsSenderOptions): SmsSender {
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('SMS webhook URL must be http(s)');
  const timeoutMs = options.timeoutMs ?? 5_000;
  const doFetch = options.fetch ?? fetch;
  return {
    kind: 'webhook',
    async send({ to, message }) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { ...options.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ to, message }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (cause) {
        const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
        throw new SmsDeliveryError(
          timedOut ? `SMS webhook timed out after ${timeoutMs} ms` : 'SMS webhook unreachable',
          {
            cause,
          },
        );
      }
      await response.body?.cancel();
      if (!response.ok)
        throw new SmsDeliveryError(`SMS webhook answered ${response.status}`, { status: response.status });
    },
  };
}
