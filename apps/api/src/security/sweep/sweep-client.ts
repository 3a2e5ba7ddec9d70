import type { ApiHarness } from '../../testing/api-test-harness';
import type { SweepOperation } from './openapi-operations';
import type { SweepRequest } from './sweep-request';

export interface SweepAnswer {
  status: number;
  body: unknown;
  /** The raw body (for a stream: what arrived in the first moments). */
  text: string;
}

/** How long a stream is read before the sweep hangs up (replayed events arrive at once). */
const STREAM_READ_MS = 400;

/**
 * Sends `request` through the harness (every answer checked against the OpenAPI document); a streaming operation is
 * opened with fetch, its status and first bytes read, and closed.
 */
export async function send(api: ApiHarness, op: SweepOperation, request: SweepRequest, token: string | undefined, headers?: Record<string, string>): Promise<SweepAnswer> {
  if (!op.streaming) {
    const res = await api.request(request.method, request.path, { token, body: request.body, headers });
    return { status: res.status, body: res.body, text: res.text };
  }
  const abort = new AbortController();
  const res = await fetch(`${api.url}${request.path}`, {
    method: request.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    signal: abort.signal,
  });
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const text = await res.text();
    return { status: res.status, body: parse(text), text };
  }
  const text = await readFor(res, STREAM_READ_MS);
  abort.abort();
  return { status: res.status, body: text, text };
}

async function readFor(res: Response, ms: number): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), left))]);
    if (chunk === null || chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
