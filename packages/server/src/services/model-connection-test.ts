import { performance } from 'node:perf_hooks';
import type { ServiceContext } from './context.js';
import { getOwnedModel } from './models.js';
import type { Principal } from './principal.js';

export interface ConnectionTest {
  ok: boolean;
  latency_ms: number;
  /** The model names the endpoint lists. */
  models?: string[];
  /** Whether the model's own `model_name` is among them. */
  model_listed?: boolean;
  error?: string;
}

/** A connection test is a quick look, not a chat: give up sooner than the gateway would. */
const MAX_TEST_MS = 5_000;
/** Endpoints such as OpenRouter list hundreds of models; the admin page needs a glance. */
const MAX_LISTED = 200;

/**
 * Checks that a model's endpoint answers: `GET {base_url}/models` of the OpenAI-compatible API,
 * with the key from the environment variable the model names. The pool model (no base URL)
 * answers from the pool itself and needs no call. Owner or admin.
 */
export async function testModelConnection(ctx: ServiceContext, principal: Principal, idOrSlug: string): Promise<ConnectionTest> {
  const model = await getOwnedModel(ctx, principal, idOrSlug);
  if (model.base_url === null) return { ok: true, latency_ms: 0, models: [model.model_name], model_listed: true };
  let apiKey: string | undefined;
  if (model.api_key_env !== null) {
    apiKey = process.env[model.api_key_env];
    if (apiKey === undefined || apiKey === '') return { ok: false, latency_ms: 0, error: `the server's environment has no ${model.api_key_env} (the model's api_key_env)` };
  }
  const url = `${model.base_url.replace(/\/+$/, '')}/models`;
  const timeoutMs = Math.min(MAX_TEST_MS, ctx.config.gatewayFirstTokenSeconds * 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...(apiKey !== undefined && { authorization: `Bearer ${apiKey}` }) },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    return { ok: false, latency_ms: elapsed(), error: describeFetchError(e, timeoutMs) };
  }
  const latency = elapsed();
  if (!response.ok) {
    await response.body?.cancel();
    const hint = response.status === 401 || response.status === 403 ? ': check the API key' : response.status === 404 ? ': check the base URL (it usually ends in /v1)' : '';
    return { ok: false, latency_ms: latency, error: `the endpoint answered ${response.status}${hint}` };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, latency_ms: latency, error: 'the endpoint did not answer with JSON: is this an OpenAI-compatible API?' };
  }
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return { ok: false, latency_ms: latency, error: 'the answer has no model list ("data"): is this an OpenAI-compatible API?' };
  const names = data.flatMap((m) => (typeof (m as { id?: unknown } | null)?.id === 'string' ? [(m as { id: string }).id] : []));
  return { ok: true, latency_ms: latency, models: names.slice(0, MAX_LISTED), model_listed: names.includes(model.model_name) };
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  if (e instanceof DOMException && (e.name === 'TimeoutError' || e.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === 'ECONNREFUSED') return 'the connection was refused: is the server running, on that host and port?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code !== undefined) return `the endpoint cannot be reached (${code})`;
  return `the endpoint cannot be reached${typeof cause?.message === 'string' ? ` (${cause.message})` : ''}`;
}
