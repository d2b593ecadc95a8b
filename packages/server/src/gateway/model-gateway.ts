import OpenAI from 'openai';

/** A turn sent to a model. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** How a model request failed, in the words the person sees. */
export type GatewayFailure = 'rate_limited' | 'unavailable' | 'timeout' | 'interrupted' | 'rejected';

export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly failure: GatewayFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface Endpoint {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

export interface GatewayLimits {
  firstTokenMs: number;
  idleMs: number;
  retries: number;
}

/**
 * Streams an answer from an OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, TGI, OpenAI …),
 * delta by delta. Requests that fail before the answer starts (429, 5xx, refused connections) are
 * retried by the SDK with backoff, honouring Retry-After. An answer that stops coming (no token for
 * `idleMs`) or ends without a finish reason is an error, never a whole answer.
 */
export async function* streamCompletion(endpoint: Endpoint, turns: readonly ChatTurn[], signal: AbortSignal, limits: GatewayLimits): AsyncGenerator<string> {
  const idle = new AbortController();
  const both = AbortSignal.any([signal, idle.signal]);
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), ms);
  };
  const client = new OpenAI({ baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey ?? 'not-needed', maxRetries: limits.retries, timeout: limits.firstTokenMs });
  let finished = false;
  let answering = false;
  try {
    arm(limits.firstTokenMs * (limits.retries + 1));
    const stream = await client.chat.completions.create({ model: endpoint.model, messages: [...turns], stream: true }, { signal: both });
    answering = true;
    arm(limits.firstTokenMs);
    for await (const chunk of stream) {
      arm(limits.idleMs);
      const choice = chunk.choices[0];
      const delta = choice?.delta?.content;
      if (typeof delta === 'string' && delta !== '') yield delta;
      if (choice?.finish_reason !== null && choice?.finish_reason !== undefined) finished = true;
    }
  } catch (e) {
    if (signal.aborted) throw e; // the person stopped it: not a failure of the model
    if (answering && !idle.signal.aborted) throw new GatewayError('interrupted', 'the answer was cut off: the model\'s connection dropped');
    throw asGatewayError(e, idle.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
  if (!finished) throw new GatewayError('interrupted', 'the model stopped answering before the end');
}

function asGatewayError(e: unknown, timedOut: boolean): GatewayError {
  if (timedOut || e instanceof OpenAI.APIConnectionTimeoutError) return new GatewayError('timeout', 'the model did not answer in time');
  if (e instanceof OpenAI.APIError && e.status !== undefined) {
    if (e.status === 429) return new GatewayError('rate_limited', 'the model is busy (rate-limited); try again in a moment');
    if (e.status >= 500) return new GatewayError('unavailable', `the model's server failed (${e.status})`);
    return new GatewayError('rejected', `the model refused the request (${e.status})`);
  }
  if (e instanceof OpenAI.APIConnectionError) return new GatewayError('unavailable', 'the model cannot be reached');
  return new GatewayError('interrupted', 'the answer was cut off');
}
