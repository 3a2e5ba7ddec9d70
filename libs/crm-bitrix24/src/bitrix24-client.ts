import type { CrmHttpClient } from '@crm/crm-port';
import { Bitrix24ApiError } from './bitrix24-errors';

/** A successful answer: `{result, time, total?, next?}`. */
export interface Bitrix24Answer<T = unknown> {
  result: T;
  total?: number;
  next?: number;
  time?: Record<string, unknown>;
}

/** One sub-call's outcome inside a `batch`. */
export type BatchEntry = { ok: true; result: unknown } | { ok: false; code: string; description: string } | { ok: false; notExecuted: true };

interface BatchBody {
  result?: Record<string, unknown> | unknown[];
  result_error?: Record<string, { error?: string; error_description?: string }> | unknown[];
}

const asMap = <T>(v: unknown): Record<string, T> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, T>) : {});

/**
 * Bitrix24 REST over an incoming webhook: POST JSON to `{base}{method}.json` (never GET: the URL would carry the data
 * into logs). An answer without `result` is a Bitrix24ApiError; transport failures are CrmTransportError /
 * CrmUrlRefusedError from CrmHttpClient.
 */
export class Bitrix24Client {
  constructor(
    readonly http: CrmHttpClient,
    readonly timeoutMs: number,
  ) {}

  async call<T = unknown>(base: string, method: string, params: Record<string, unknown> = {}): Promise<Bitrix24Answer<T>> {
    const response = await this.http.request({
      method: 'POST',
      url: `${base}${method}.json`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      timeoutMs: this.timeoutMs,
    });
    const body = response.json as Record<string, unknown> | undefined;
    if (response.status === 200 && body && 'result' in body) return body as unknown as Bitrix24Answer<T>;
    const time = asMap<unknown>(body?.time);
    throw new Bitrix24ApiError(
      response.status,
      typeof body?.error === 'string' ? body.error : response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'ERROR_UNEXPECTED_ANSWER',
      typeof body?.error_description === 'string' ? body.error_description : response.text.slice(0, 200),
      typeof time.operating_reset_at === 'number' ? time.operating_reset_at : undefined,
    );
  }

  /** `batch` with `halt` (stop at the first failing sub-call): each key's outcome, in the order given. */
  async batch(base: string, commands: ReadonlyArray<{ key: string; command: string }>, halt: boolean): Promise<Map<string, BatchEntry>> {
    const answer = await this.call<BatchBody>(base, 'batch', { halt: halt ? 1 : 0, cmd: Object.fromEntries(commands.map((c) => [c.key, c.command])) });
    const results = asMap<unknown>(answer.result?.result);
    const errors = asMap<{ error?: string; error_description?: string }>(answer.result?.result_error);
    const out = new Map<string, BatchEntry>();
    for (const { key } of commands) {
      if (key in errors) out.set(key, { ok: false, code: errors[key].error ?? '', description: errors[key].error_description ?? '' });
      else if (key in results) out.set(key, { ok: true, result: results[key] });
      else out.set(key, { ok: false, notExecuted: true });
    }
    return out;
  }
}
