import type { AuditTrail } from '../audit/index.ts';
import { newId } from '../store/ids.ts';
import type { DeviceHub } from './push/hub.ts';
import type { PushRepository } from './push/repository.ts';

export interface Notification {
  kind: string;
  title: string;
  body: string;
  data?: Record<string, string | number | boolean | null>;
}

export interface AlertView extends Notification {
  id: string;
  createdAt: string;
}

/**
 * `services.authn.notifier`: stores an alert in the user's alerts feed and
 * pushes it to the user's connected mobile devices (server-sent events).
 * Never put a secret in a notification: it is stored and shown as is.
 */
export class Notifier {
  readonly #repo: PushRepository;
  readonly #hub: DeviceHub;
  readonly #audit: AuditTrail;
  readonly #now: () => number;
  constructor(deps: { repo: PushRepository; hub: DeviceHub; audit: AuditTrail; now: () => number }) {
    this.#repo = deps.repo;
    this.#hub = deps.hub;
    this.#audit = deps.audit;
    this.#now = deps.now;
  }

  async notify(userId: string, n: Notification): Promise<void> {
    const id = newId('alr');
    const now = this.#now();
    await this.#repo.insertAlert({
      id,
      user_id: userId,
      kind: n.kind.slice(0, 64),
      title: n.title.slice(0, 200),
      body: n.body.slice(0, 2000),
      data: JSON.stringify(n.data ?? {}),
      created_at: now,
      read_at: null,
    });
    await this.#audit.record({
      name: 'alert.raised',
      outcome: 'info',
      subjectUserId: userId,
      data: { alertId: id, kind: n.kind },
    });
    this.#hub.publish(userId, {
      type: 'alert',
      data: { id, kind: n.kind, title: n.title, body: n.body, createdAt: new Date(now).toISOString() },
    });
  }

  async list(userId: string): Promise<AlertView[]> {
    const rows = await this.#repo.alerts(userId);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      body: r.body,
      data: JSON.parse(r.data),
      createdAt: new Date(Number(r.created_at)).toISOString(),
    }));
  }
}
