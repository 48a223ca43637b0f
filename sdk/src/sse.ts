/**
 * A server-sent-events parser following the WHATWG event-stream rules: lines
 * end in CRLF, LF or CR (also split across chunks); `:` starts a comment;
 * `data` lines accumulate; a blank line dispatches; `id` sets the last event
 * id (kept across events); `retry` sets the reconnection delay; a leading BOM
 * is ignored; an event with no data is not dispatched.
 */

export interface SseEvent {
  /** `message` when the server named none. */
  event: string;
  data: string;
  /** The last event id seen so far on this stream (send it back as Last-Event-ID). */
  id: string | undefined;
  /** Reconnection delay requested by the server, if any. */
  retry: number | undefined;
}

export class SseParser {
  #buffer = '';
  #started = false;
  #pendingCr = false;
  #data: string[] = [];
  #event = '';
  #lastId: string | undefined;
  #retry: number | undefined;

  get lastEventId(): string | undefined {
    return this.#lastId;
  }

  get retry(): number | undefined {
    return this.#retry;
  }

  /** Feeds decoded text; returns the events completed by it. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    // A CR at the end of the previous chunk already ended a line; skip its LF.
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    const events: SseEvent[] = [];
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    for (let m = lineEnd.exec(this.#buffer); m !== null; m = lineEnd.exec(this.#buffer)) {
      if (m[0] === '\r' && m.index === this.#buffer.length - 1) this.#pendingCr = true;
      const event = this.#line(this.#buffer.slice(start, m.index));
      if (event !== undefined) events.push(event);
      start = m.index + m[0].length;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line: string): SseEvent | undefined {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.#retry = Number(value);
    return undefined;
  }

  #dispatch(): SseEvent | undefined {
    const data = this.#data;
    const event = this.#event;
    this.#data = [];
    this.#event = '';
    if (data.length === 0) return undefined;
    return {
      event: event === '' ? 'message' : event,
      data: data.join('\n'),
      id: this.#lastId,
      retry: this.#retry,
    };
  }
}

async function* chunksOf(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) return yield* body;
  const reader = body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
  } finally {
    // Leaving early (break, return, error) must close the connection, not just stop reading.
    reader.cancel().catch(() => undefined);
  }
}

/** Parses a byte stream (e.g. `response.body`) into events. */
export async function* readSse(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  parser = new SseParser(),
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  for await (const chunk of chunksOf(body)) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
}
