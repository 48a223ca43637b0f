import { EventEmitter } from 'node:events';

export interface DeviceEvent {
  type: 'push' | 'alert' | 'push_decided';
  data: Record<string, unknown>;
}

/**
 * In-process fan-out of events to a user's connected devices (the
 * server-sent-event stream) and to flows waiting on a push. One node only:
 * a phone connected to another node sees the event on its next poll of
 * `/push/pending` (docs/decisions/0013).
 */
export class DeviceHub {
  readonly #emitter = new EventEmitter();
  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  publish(userId: string, event: DeviceEvent): void {
    this.#emitter.emit(`user:${userId}`, event);
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
}
