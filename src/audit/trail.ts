import type { Kysely, Transaction } from 'kysely';
import type { Store } from '../store/db.ts';
import { newId } from '../store/ids.ts';
import type { Database } from '../store/schema.ts';
import { chainHash, GENESIS_HASH, type VerifyResult } from './chain.ts';
import type { AuditEvent, AuditEventName, AuditInput, AuditOutcome } from './events.ts';
import type { AuditEventsTable } from './tables.ts';

/** Keys whose values are never written to the trail, whatever a caller passes. */
const SECRET_KEY = /pass(word)?|secret|token|cookie|authorization|signature|otp|code$/i;

/** Rows per INSERT statement: well below SQLite's limit of 32,766 bound parameters. */
const INSERT_CHUNK = 500;

interface AppendJob {
  inputs: readonly AuditInput[];
  resolve(events: AuditEvent[]): void;
  reject(error: unknown): void;
}

export interface AuditQuery {
  userId?: string;
  name?: AuditEventName;
  beforeSeq?: number;
  limit: number;
}

/**
 * The append-only, hash-chained audit trail. Appends are serialised through the
 * single `audit_head` row (a row lock on PostgreSQL; SQLite serialises writers),
 * so the chain stays linear across nodes.
 */
export class AuditTrail {
  readonly #db: Kysely<Database>;
  readonly #rowLocks: boolean;
  readonly #now: () => number;
  readonly #listeners = new Set<(e: AuditEvent) => void>();
  #queue: AppendJob[] = [];
  #scheduled = false;
  #writing: Promise<void> | null = null;

  constructor(store: Store, now: () => number = Date.now) {
    this.#db = store.db;
    this.#rowLocks = store.kind === 'postgres';
    this.#now = now;
  }

  /** Observers (metrics, alerts, notifications) see every appended event. */
  onAppend(listener: (e: AuditEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async record(input: AuditInput): Promise<AuditEvent> {
    const [event] = await this.recordAll([input]);
    return event!;
  }

  /**
   * Appends several events together and in the given order; resolves once they are committed.
   * Appends requested during one turn of the event loop share one transaction (group append):
   * under load, one head update and a few multi-row inserts serve many requests.
   */
  recordAll(inputs: readonly AuditInput[]): Promise<AuditEvent[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ inputs, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  /**
   * Appends inside the caller's transaction (events that must commit with the rows they describe).
   * The caller passes the returned rows to `announce` once its transaction has committed.
   */
  async appendWithin(trx: Transaction<Database>, inputs: readonly AuditInput[]): Promise<AuditEventsTable[]> {
    if (inputs.length === 0) return [];
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .$if(this.#rowLocks, (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    let { seq, hash } = head;
    const out: AuditEventsTable[] = [];
    for (const input of inputs) {
      const fields = this.#fields(input, ++seq);
      const full: AuditEventsTable = { ...fields, prev_hash: hash, hash: chainHash(hash, fields) };
      hash = full.hash;
      out.push(full);
    }
    for (let i = 0; i < out.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('audit_events')
        .values(out.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
    return out;
  }

  /** Tells the observers about committed events. */
  announce(rows: readonly AuditEventsTable[]): AuditEvent[] {
    const events = rows.map(toEvent);
    for (const e of events) for (const l of this.#listeners) l(e);
    return events;
  }

  async #drain(): Promise<void> {
    if (this.#writing) await this.#writing;
    this.#scheduled = false;
    const jobs = this.#queue;
    this.#queue = [];
    if (jobs.length === 0) return;
    this.#writing = this.#write(jobs);
    await this.#writing;
    this.#writing = null;
  }

  async #write(jobs: readonly AppendJob[]): Promise<void> {
    try {
      const rows = await this.#db.transaction().execute((trx) =>
        this.appendWithin(
          trx,
          jobs.flatMap((j) => j.inputs),
        ),
      );
      const events = this.announce(rows);
      let at = 0;
      for (const job of jobs) {
        job.resolve(events.slice(at, at + job.inputs.length));
        at += job.inputs.length;
      }
    } catch (error) {
      for (const job of jobs) job.reject(error);
    }
  }

  #fields(input: AuditInput, seq: number) {
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input.data ?? {})) data[k] = SECRET_KEY.test(k) ? '[redacted]' : v;
    return {
      seq,
      id: newId('evt'),
      at: this.#now(),
      name: input.name,
      outcome: input.outcome,
      reason: input.reason ?? null,
      actor_user_id: input.actorUserId ?? null,
      subject_user_id: input.subjectUserId ?? input.actorUserId ?? null,
      interface: input.interface ?? null,
      session_id: input.sessionId ?? null,
      device_id: input.deviceId ?? null,
      ip: input.ip ?? null,
      request_id: input.requestId ?? null,
      data: JSON.stringify(data),
    };
  }

  async query(q: AuditQuery): Promise<AuditEvent[]> {
    let sel = this.#db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(q.limit);
    if (q.userId) {
      const uid = q.userId;
      sel = sel.where((eb) => eb.or([eb('actor_user_id', '=', uid), eb('subject_user_id', '=', uid)]));
    }
    if (q.name) sel = sel.where('name', '=', q.name);
    if (q.beforeSeq !== undefined) sel = sel.where('seq', '<', q.beforeSeq);
    return (await sel.execute()).map(toEvent);
  }

  /** Recomputes the whole chain in order and names the first broken link. */
  async verify(batchSize = 1000): Promise<VerifyResult> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows = await this.#db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>=', expectedSeq)
        .orderBy('seq', 'asc')
        .limit(batchSize)
        .execute();
      for (const row of rows) {
        if (row.seq !== expectedSeq) return broken(checked, expectedSeq, `event ${expectedSeq} is missing`);
        if (row.prev_hash !== prev) return broken(checked, row.seq, 'previous-hash link does not match');
        if (chainHash(prev, row) !== row.hash)
          return broken(checked, row.seq, 'event content does not match its hash');
        prev = row.hash;
        expectedSeq++;
        checked++;
      }
      if (rows.length < batchSize) break;
    }
    const head = await this.#db
      .selectFrom('audit_head')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    if (head.seq !== checked || head.hash !== prev) {
      return broken(
        checked,
        head.seq,
        'chain head does not match the last event (events removed from the end?)',
      );
    }
    return { ok: true, checked, headSeq: head.seq };
  }
}

function broken(checked: number, seq: number, reason: string): VerifyResult {
  return { ok: false, checked, brokenAt: seq, reason };
}

function toEvent(row: AuditEventsTable): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: new Date(row.at).toISOString(),
    name: row.name as AuditEventName,
    outcome: row.outcome as AuditOutcome,
    reason: row.reason,
    actorUserId: row.actor_user_id,
    subjectUserId: row.subject_user_id,
    interface: row.interface,
    sessionId: row.session_id,
    deviceId: row.device_id,
    ip: row.ip,
    requestId: row.request_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
    hash: row.hash,
  };
}
