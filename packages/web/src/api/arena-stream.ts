import { send } from './http';
import { readServerSentEvents } from './sse';
import type { ArenaEvent } from './types';

const EVENTS = new Set(['start', 'token', 'done', 'error', 'end']);

/**
 * POST a battle's turn (a new battle, or the next turn of one) and hand each server-sent event to
 * `onEvent` as it is read: both answers arrive interleaved, each event tagged with its side.
 * Problems found before the answers start arrive as an ApiError (thrown).
 */
export async function streamArena(path: string, body: object, signal: AbortSignal, onEvent: (event: ArenaEvent) => void): Promise<void> {
  const response = await send(path, { method: 'POST', body, signal, headers: { accept: 'text/event-stream' } });
  if (response.body === null) throw new Error('the server sent no stream');
  for await (const sse of readServerSentEvents(response.body)) {
    if (!EVENTS.has(sse.event)) continue;
    let event: ArenaEvent;
    try {
      event = JSON.parse(sse.data) as ArenaEvent;
    } catch {
      continue;
    }
    onEvent(event);
  }
}
