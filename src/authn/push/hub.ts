import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

export interface DeviceEvent {
  type: 'push' | 'alert' | 'push_decided';
  data: Record<string, unknown>;
}

const CHANNEL = 'pc:device-events';

/**
 * Fan-out of events to a user's connected devices (the server-sent-event
 * stream) and to flows waiting on a push. In process by default (one node: a
 * phone on another node sees a challenge on its next `GET /push/pending`);
 * with `PORTCULLIS_EVENTS_REDIS_URL` every event is also published on a Redis
 * channel that every node follows, so a phone streaming from node B hears a
 * push sent on node A at once, and a flow long-polling on A hears B's decision
 * (decision 0015). Delivery is best-effort either way: challenges and
 * decisions are stored rows, and readers fall back to them.
 */
export class DeviceHub {
  readonly #emitter = new EventEmitter();
  readonly #node = randomUUID();
  readonly #bus: RedisBus | undefined;

  constructor(options: { redisUrl?: string | undefined } = {}) {
    this.#emitter.setMaxListeners(0);
    this.#bus = options.redisUrl ? new RedisBus(options.redisUrl, (text) => this.#receive(text)) : undefined;
  }

  /** Resolves once this node follows the shared channel (at once without one). */
  ready(): Promise<void> {
    return this.#bus?.ready ?? Promise.resolve();
  }

  publish(userId: string, event: DeviceEvent): void {
    this.#emitter.emit(`user:${userId}`, event);
    this.#bus?.send(JSON.stringify({ node: this.#node, userId, event }));
  }

  subscribe(userId: string, listener: (event: DeviceEvent) => void): () => void {
    const key = `user:${userId}`;
    this.#emitter.on(key, listener);
    return () => this.#emitter.off(key, listener);
  }

  /** Resolves when `challengeId` is decided, or with null after `ms`. */
  waitForDecision(userId: string, challengeId: string, ms: number): Promise<string | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, ms);
      const off = this.subscribe(userId, (e) => {
        if (e.type === 'push_decided' && e.data['challengeId'] === challengeId) {
          clearTimeout(timer);
          off();
          resolve(String(e.data['status']));
        }
      });
    });
  }

  close(): void {
    this.#bus?.close();
  }

  /** An event another node published; this node's own come back too and are skipped. */
  #receive(text: string): void {
    let message: { node?: unknown; userId?: unknown; event?: DeviceEvent };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.node === this.#node || typeof message.userId !== 'string' || !message.event) return;
    this.#emitter.emit(`user:${message.userId}`, message.event);
  }
}

/** One connection publishes, one follows the channel (a subscribed Redis connection can do nothing else). */
class RedisBus {
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly ready: Promise<void>;

  constructor(url: string, onMessage: (text: string) => void) {
    this.#pub = new Redis(url, { maxRetriesPerRequest: 1 });
    this.#sub = new Redis(url);
    this.#sub.on('message', (_channel: string, text: string) => onMessage(text));
    // A failed publish loses only the instant delivery: the stored rows remain the truth.
    this.#pub.on('error', () => {});
    this.#sub.on('error', () => {});
    this.ready = this.#sub.subscribe(CHANNEL).then(() => undefined);
  }

  send(text: string): void {
    this.#pub.publish(CHANNEL, text).catch(() => {});
  }

  close(): void {
    this.#pub.disconnect();
    this.#sub.disconnect();
  }
}
