import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answers a request with server-sent events: each event of `events` as `event: <type>` with its JSON,
 * as it comes. The generator gets a signal that aborts when the person leaves (or presses Stop),
 * so the model is stopped too. An exception after the stream began is logged and, when `onFailure`
 * gives one, reported as a last event; the stream is always ended.
 */
export async function sendEventStream<E extends { type: string }>(
  request: FastifyRequest,
  reply: FastifyReply,
  events: (signal: AbortSignal) => AsyncIterable<E>,
  what: string,
  onFailure?: () => E,
): Promise<void> {
  const stop = new AbortController();
  request.raw.once('close', () => stop.abort());
  reply.raw.on('close', () => stop.abort());
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const send = (event: E) => {
    if (!reply.raw.writableEnded) reply.raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  try {
    for await (const event of events(stop.signal)) send(event);
  } catch (e) {
    request.log.error({ err: e }, `${what} failed while streaming`);
    if (onFailure !== undefined) send(onFailure());
  } finally {
    reply.raw.end();
  }
}
