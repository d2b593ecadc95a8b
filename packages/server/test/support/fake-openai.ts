import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the fake endpoint does for a model name:
 * - `stream`: streams `tokens` (with `delayMs` between them), then finishes;
 * - `status`: answers that HTTP status (429 with Retry-After, 500 …) instead;
 * - `hang`: accepts the request and never answers;
 * - `cut`: streams `tokens`, then drops the connection without finishing.
 */
export type Behaviour =
  | { kind: 'stream'; tokens: string[]; delayMs?: number }
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  | { kind: 'hang' }
  | { kind: 'cut'; tokens: string[] };

export interface FakeOpenAi {
  /** The base URL a model is registered with (`…/v1`). */
  url: string;
  behave(model: string, behaviour: Behaviour): void;
  /** Requests received, with the messages they carried. */
  requests: { model: string; messages: { role: string; content: string }[] }[];
  /** When each token left the server (Date.now()), for latency checks. */
  sentAt: number[];
  close(): Promise<void>;
}

/**
 * A local stand-in for an OpenAI-compatible endpoint (POST /v1/chat/completions with stream: true,
 * GET /v1/models), scripted per model name, for the gateway's tests and the browser journey.
 */
export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const behaviours = new Map<string, Behaviour>();
  const requests: FakeOpenAi['requests'] = [];
  const sentAt: number[] = [];
  const open = new Set<ServerResponse>();

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [...behaviours.keys()].map((id) => ({ id, object: 'model' })) }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
    requests.push({ model: request.model, messages: request.messages });
    const behaviour = behaviours.get(request.model) ?? { kind: 'stream', tokens: ['Hello', ' from', ' the', ' fake', ' model.'] };
    if (behaviour.kind === 'status') {
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...(behaviour.retryAfterSeconds !== undefined && { 'retry-after': String(behaviour.retryAfterSeconds) }) });
      res.end(JSON.stringify({ error: { message: `scripted ${behaviour.status}`, type: 'scripted' } }));
      return;
    }
    open.add(res);
    res.on('close', () => open.delete(res));
    if (behaviour.kind === 'hang') return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: request.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    for (const [i, token] of behaviour.tokens.entries()) {
      if (res.destroyed) return;
      if (behaviour.kind === 'stream' && (behaviour.delayMs ?? 0) > 0 && i > 0) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      res.write(chunk(i === 0 ? { role: 'assistant', content: token } : { content: token }, null));
      sentAt.push(Date.now());
    }
    if (behaviour.kind === 'cut') {
      // Let what was sent arrive, then drop the connection the way a crashed server does.
      await new Promise((r) => setTimeout(r, 50));
      res.socket?.destroy();
      return;
    }
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    behave: (model, behaviour) => behaviours.set(model, behaviour),
    requests,
    sentAt,
    close: () =>
      new Promise((resolve) => {
        for (const res of open) res.socket?.destroy();
        server.close(() => resolve());
      }),
  };
}
