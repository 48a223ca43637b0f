import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readSse, type SseEvent, SseParser } from './sse.ts';

function parseAll(...chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
}

describe('server-sent events parsing', () => {
  test('named events with ids and JSON data are dispatched on a blank line', () => {
    const events = parseAll('event: order.updated\nid: 7\ndata: {"id":"o1"}\n\n');
    assert.deepEqual(events, [{ event: 'order.updated', data: '{"id":"o1"}', id: '7', retry: undefined }]);
  });

  test('data lines join with newlines; comments and unknown fields are ignored', () => {
    const events = parseAll(': keep-alive\ndata: a\ndata:b\nfoo: bar\ndata\n\n');
    assert.deepEqual(
      events.map((e) => e.data),
      ['a\nb\n'],
    );
    assert.equal(events[0]!.event, 'message');
  });

  test('CRLF, CR and LF all end lines, even when a CRLF is split across chunks', () => {
    assert.deepEqual(
      parseAll('data: x\r', '\n\r', '\n').map((e) => e.data),
      ['x'],
    );
    assert.deepEqual(
      parseAll('data: y\r\r').map((e) => e.data),
      ['y'],
    );
  });

  test('the last event id persists across events and retry is read as milliseconds', () => {
    const events = parseAll('id: 1\nretry: 2500\ndata: a\n\ndata: b\n\nretry: soon\ndata: c\n\n');
    assert.deepEqual(
      events.map((e) => [e.id, e.retry]),
      [
        ['1', 2500],
        ['1', 2500],
        ['1', 2500],
      ],
    );
  });

  test('an event without data is not dispatched, and a leading BOM is ignored', () => {
    assert.deepEqual(parseAll('\uFEFFevent: ping\n\n'), []);
    assert.deepEqual(
      parseAll('\uFEFFdata: z\n\n').map((e) => e.data),
      ['z'],
    );
  });

  test('an unfinished event at the end of the stream is dropped', async () => {
    async function* bytes() {
      yield new TextEncoder().encode('data: done\n\ndata: half');
    }
    const events: SseEvent[] = [];
    for await (const e of readSse(bytes())) events.push(e);
    assert.deepEqual(
      events.map((e) => e.data),
      ['done'],
    );
  });

  test('multi-byte characters split across chunks decode intact', async () => {
    const encoded = new TextEncoder().encode('data: €uro\n\n');
    async function* bytes() {
      yield encoded.slice(0, 7);
      yield encoded.slice(7);
    }
    const events: SseEvent[] = [];
    for await (const e of readSse(bytes())) events.push(e);
    assert.equal(events[0]!.data, '€uro');
  });

  test('property: however the stream is chunked, the same events come out', () => {
    const stream = 'event: a\r\nid: 1\r\ndata: one\r\n\r\n: c\ndata: two\rdata: 2\r\rid: 3\ndata: three\n\n';
    const expected = parseAll(stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [0, ...points].map((p, i) => stream.slice(p, [...points, stream.length][i]));
        assert.deepEqual(parseAll(...chunks), expected);
      }),
    );
  });
});
