import { describe, expect, it } from 'vitest';
import { EventStreamParser, readServerSentEvents } from '../src/api/sse';

const STREAM =
  'event: turn\ndata: {"type":"turn"}\n\n' +
  ': a comment\r\n' +
  'event: token\r\ndata: {"type":"token","text":"Olá"}\r\n\r\n' +
  'event: token\rdata: line one\rdata: line two\r\r' +
  'data:no space\n\n' +
  'event: done\ndata: {"type":"done"}\n\n';

const EXPECTED = [
  { event: 'turn', data: '{"type":"turn"}' },
  { event: 'token', data: '{"type":"token","text":"Olá"}' },
  { event: 'token', data: 'line one\nline two' },
  { event: 'message', data: 'no space' },
  { event: 'done', data: '{"type":"done"}' },
];

describe('EventStreamParser', () => {
  it('reads LF, CRLF and CR line ends, comments and multi-line data', () => {
    const parser = new EventStreamParser();
    expect([...parser.push(STREAM)]).toEqual(EXPECTED);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      const parser = new EventStreamParser();
      const events = [...parser.push(STREAM.slice(0, cut)), ...parser.push(STREAM.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual(EXPECTED);
    }
  });
});

describe('readServerSentEvents', () => {
  it('yields each event as soon as its blank line arrives, before the stream ends', async () => {
    let push!: (text: string) => void;
    let close!: () => void;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (t) => controller.enqueue(encoder.encode(t));
        close = () => controller.close();
      },
    });
    const events = readServerSentEvents(body);
    push('event: token\ndata: {"text":"first"}\n\n');
    const first = await events.next();
    expect(first.value).toEqual({ event: 'token', data: '{"text":"first"}' });
    // A multi-byte character split across chunks survives.
    const bytes = encoder.encode('event: token\ndata: ção\n\n');
    push(new TextDecoder().decode(bytes.slice(0, 22)));
    push(new TextDecoder().decode(bytes.slice(22)));
    close();
    const rest = [];
    for await (const e of events) rest.push(e);
    expect(rest.map((e) => e.event)).toEqual(['token']);
  });
});
