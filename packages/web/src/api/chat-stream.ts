import { send } from './http';
import { readServerSentEvents } from './sse';
import type { ChatEvent, ChatRequest } from './types';

/**
 * POST /v1/chat and hand each server-sent event to `onEvent` as soon as it is read (fetch +
 * ReadableStream: EventSource cannot POST). Problems found before the answer starts arrive as an
 * ApiError (thrown); problems while answering arrive as an `error` event. Aborting `signal` stops
 * the request (and the model, on the server).
 */
export async function streamChat(request: ChatRequest, signal: AbortSignal, onEvent: (event: ChatEvent) => void): Promise<void> {
  const response = await send('/v1/chat', { method: 'POST', body: request, signal, headers: { accept: 'text/event-stream' } });
  if (response.body === null) throw new Error('the server sent no stream');
  for await (const sse of readServerSentEvents(response.body)) {
    if (sse.event !== 'turn' && sse.event !== 'token' && sse.event !== 'done' && sse.event !== 'error') continue;
    let event: ChatEvent;
    try {
      event = JSON.parse(sse.data) as ChatEvent;
    } catch {
      continue;
    }
    onEvent(event);
  }
}
