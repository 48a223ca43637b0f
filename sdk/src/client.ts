/**
 * The Portcullis client for bots. Every request is signed with the key given
 * as `signer`; order submission carries an Idempotency-Key so it can be
 * retried safely; everything else follows the retry rules of transport.ts.
 *
 * ```ts
 * const client = new PortcullisClient({
 *   baseUrl: 'https://portcullis.example',
 *   signer: createHmacSigner(process.env.PC_KEY_ID!, process.env.PC_SECRET!),
 * });
 * const order = await client.placeOrder('acc_1', {
 *   symbol: 'EUR/USD', side: 'buy', quantity: '10000', type: 'limit', limitPrice: '1.0850', timeInForce: 'day',
 * });
 * for await (const event of client.streamOrders('acc_1', { signal })) console.log(event.type, event.data);
 * ```
 */
import { randomUUID } from 'node:crypto';
import { errorFromResponse, NetworkError, PortcullisError } from './errors.ts';
import { readSse, SseParser } from './sse.ts';
import { parseJson, type RequestSpec, Transport, type TransportOptions } from './transport.ts';
import type {
  Account,
  AccountEvent,
  KillSwitchOptions,
  Order,
  OrderRequest,
  Position,
  Quote,
} from './types.ts';

export type ClientOptions = TransportOptions;

export interface StreamOptions {
  signal?: AbortSignal;
  /** Resume after this event id (sent as Last-Event-ID). */
  lastEventId?: string;
  /** Reconnect when the stream ends or drops (default true), waiting the server's `retry` or 1 s. */
  reconnect?: boolean;
}

export interface PlaceOrderOptions {
  /** Reuse the same key to retry an order submission yourself; a fresh UUID by default. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

const API = '/api/v1';

function segment(value: string): string {
  if (value === '') throw new TypeError('An id must not be empty');
  return encodeURIComponent(value);
}

/** List endpoints may answer a bare array or an object holding it (`items`, `data` or the resource name). */
function listOf<T>(body: unknown, name: string): T[] {
  if (Array.isArray(body)) return body as T[];
  if (typeof body === 'object' && body !== null) {
    for (const key of [name, 'items', 'data']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  throw new PortcullisError({
    code: 'UNEXPECTED_RESPONSE',
    message: `Expected a list of ${name}`,
    status: 200,
  });
}

export class PortcullisClient {
  readonly #transport: Transport;

  constructor(options: ClientOptions) {
    this.#transport = new Transport(options);
  }

  /** Server clock minus local clock as learnt so far (0 until the server reported a skew). */
  get clockOffsetMs(): number {
    return this.#transport.clockOffsetMs;
  }

  async #json<T>(spec: RequestSpec): Promise<T> {
    const reply = await this.#transport.request(spec);
    const body = parseJson(reply.text);
    // A 202 carrying an error body (APPROVAL_REQUIRED) is pending, not done: surface it as an error.
    if (reply.status === 202 && typeof body === 'object' && body !== null && 'error' in body) {
      throw errorFromResponse(reply.status, body, reply.headers);
    }
    return body as T;
  }

  async accounts(signal?: AbortSignal): Promise<Account[]> {
    return listOf<Account>(await this.#json({ method: 'GET', path: `${API}/accounts`, signal }), 'accounts');
  }

  account(accountId: string, signal?: AbortSignal): Promise<Account> {
    return this.#json({ method: 'GET', path: `${API}/accounts/${segment(accountId)}`, signal });
  }

  async positions(accountId: string, signal?: AbortSignal): Promise<Position[]> {
    const body = await this.#json({
      method: 'GET',
      path: `${API}/accounts/${segment(accountId)}/positions`,
      signal,
    });
    return listOf<Position>(body, 'positions');
  }

  async orders(accountId: string, query: { status?: string } = {}, signal?: AbortSignal): Promise<Order[]> {
    const path = `${API}/accounts/${segment(accountId)}/orders`;
    return listOf<Order>(await this.#json({ method: 'GET', path, query, signal }), 'orders');
  }

  /** Submits an order with an Idempotency-Key, so network errors, 429 and 503 are retried without duplicates. */
  placeOrder(accountId: string, order: OrderRequest, options: PlaceOrderOptions = {}): Promise<Order> {
    return this.#json({
      method: 'POST',
      path: `${API}/accounts/${segment(accountId)}/orders`,
      body: order,
      idempotencyKey: options.idempotencyKey ?? randomUUID(),
      signal: options.signal,
    });
  }

  /** Not retried automatically: a DELETE without an idempotency key is sent once. */
  cancelOrder(accountId: string, orderId: string, signal?: AbortSignal): Promise<Order> {
    const path = `${API}/accounts/${segment(accountId)}/orders/${segment(orderId)}`;
    return this.#json({ method: 'DELETE', path, signal });
  }

  cancelAll(accountId: string, signal?: AbortSignal): Promise<unknown> {
    return this.#json({
      method: 'POST',
      path: `${API}/accounts/${segment(accountId)}/orders/cancel-all`,
      signal,
    });
  }

  /** Closes every position, or only `symbol`'s. */
  flatten(accountId: string, symbol?: string, signal?: AbortSignal): Promise<unknown> {
    const body = symbol === undefined ? {} : { symbol };
    return this.#json({
      method: 'POST',
      path: `${API}/accounts/${segment(accountId)}/flatten`,
      body,
      signal,
    });
  }

  /** Halts trading, cancels every open order and suspends every credential of the account. */
  killSwitch(accountId: string, options: KillSwitchOptions = {}, signal?: AbortSignal): Promise<unknown> {
    const path = `${API}/accounts/${segment(accountId)}/kill-switch`;
    return this.#json({ method: 'POST', path, body: options, signal });
  }

  quote(symbol: string, signal?: AbortSignal): Promise<Quote> {
    return this.#json({ method: 'GET', path: `${API}/quotes/${segment(symbol)}`, signal });
  }

  /**
   * The account's event stream (orders, fills, state changes) as an async
   * iterator. It reconnects with Last-Event-ID when the stream ends or drops,
   * signing each connection afresh; an error answer (401, 403…) ends it with
   * that error. Stop it with `signal` or by leaving the `for await` loop.
   */
  async *streamOrders(accountId: string, options: StreamOptions = {}): AsyncGenerator<AccountEvent> {
    const path = `${API}/accounts/${segment(accountId)}/stream`;
    let lastEventId = options.lastEventId;
    let retryMs = 1000;
    while (!options.signal?.aborted) {
      const parser = new SseParser(); // a fresh parser per connection: a half-received event is dropped
      const extraHeaders: Record<string, string> =
        lastEventId === undefined ? {} : { 'last-event-id': lastEventId };
      try {
        const spec = {
          method: 'GET',
          path,
          accept: 'text/event-stream',
          extraHeaders,
          stream: true,
        } as const;
        const response = await this.#transport.openStream({ ...spec, signal: options.signal });
        if (response.body === null) return;
        for await (const event of readSse(response.body, parser)) {
          lastEventId = event.id ?? lastEventId;
          retryMs = event.retry ?? retryMs;
          yield { type: event.event, data: parseJson(event.data) ?? event.data, id: event.id };
        }
      } catch (error) {
        if (options.signal?.aborted) return;
        if (error instanceof PortcullisError && !(error instanceof NetworkError)) throw error;
        if (!(error instanceof PortcullisError) && !isStreamDrop(error)) throw error;
      }
      if (options.reconnect === false) return;
      await this.#pause(parser.retry ?? retryMs, options.signal);
    }
  }

  async #pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

/** A stream that broke mid-body surfaces as a TypeError (undici "terminated") or a socket error. */
function isStreamDrop(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && 'code' in error);
}
