/**
 * POSTs JSON to a server-sent event route as a browser would, and reads the events as they come.
 * `stopAfterTokens`: the caller leaves (aborts the request) after that many `token` events, as a
 * person pressing Stop. Not a stream (an error answered before the stream began): its JSON.
 */
export async function postEventStream<E extends { type: string }>(
  url: string,
  body: object,
  cookie: string,
  options: { stopAfterTokens?: number } = {},
): Promise<{ status: number; raw: string; events: E[]; json?: any }> {
  const stop = new AbortController();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body), signal: stop.signal });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return { status: res.status, raw: '', events: [], json: await res.json() };
  let raw = '';
  let buffer = '';
  const events: E[] = [];
  const decoder = new TextDecoder();
  let tokens = 0;
  try {
    for await (const chunk of res.body!) {
      const text = decoder.decode(chunk as Uint8Array, { stream: true });
      raw += text;
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data === undefined) continue;
        const event = JSON.parse(data.slice(6)) as E;
        events.push(event);
        if (event.type === 'token' && ++tokens === options.stopAfterTokens) stop.abort();
      }
    }
  } catch (e) {
    if (!stop.signal.aborted) throw e;
  }
  return { status: res.status, raw, events };
}
