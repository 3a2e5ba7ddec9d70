import { parseRetryAfter as parseRetryAfterHeader } from '@crm/connector-kit';

/**
 * A failed Avito call as the connector must treat it:
 * - `rejected`: the credentials or the token are refused (401/403; on `/token` also 400) — re-request the token or
 *   report needs-reauth;
 * - `rate-limited`: 429; try again after `retryAfterMs` (Retry-After, or a default);
 * - `unavailable`: no usable answer (network error, timeout, 5xx, non-JSON): try again later;
 * - `permanent`: any other refusal (400 validation, 402 plan required, 404…): retrying the same call will not help.
 * Never carries the token or the client secret.
 */
export type AvitoFailure =
  | { kind: 'rejected'; status: number; code?: number; message: string }
  | { kind: 'rate-limited'; status: 429; retryAfterMs: number; message: string }
  | { kind: 'unavailable'; status?: number; message: string }
  | { kind: 'permanent'; status: number; code: number; message: string };

export type AvitoResult<T> = { ok: true; value: T } | { ok: false; failure: AvitoFailure };

/** Retry-After when a 429 carries none (Avito documents no messenger rate limits: PLATFORMS.md §4). */
export const DEFAULT_RETRY_AFTER_MS = 1000;
/** The longest Retry-After honoured; a larger value is capped (a broken header must not park a chat for hours). */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export function ok<T>(value: T): AvitoResult<T> {
  return { ok: true, value };
}

export function failed<T>(failure: AvitoFailure): AvitoResult<T> {
  return { ok: false, failure };
}

/** Retry-After (seconds or an HTTP date) → milliseconds, the default when absent or unreadable, capped. */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number {
  return Math.min(parseRetryAfterHeader(header, now) ?? DEFAULT_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS);
}

/** The `{code, message}` of an error body: Avito's `{"error":{"code","message"}}` or OAuth's `{error, error_description}`. */
export function errorOfBody(body: unknown): { code?: number; message?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return { ...(typeof code === 'number' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) };
  }
  const description = (body as { error_description?: unknown }).error_description;
  if (typeof error === 'string') return { message: typeof description === 'string' ? `${error}: ${description}` : error };
  return {};
}

/**
 * Classifies a non-2xx answer. `tokenEndpoint`: on `/token` a 400 (OAuth `invalid_client`/`invalid_grant`) also
 * means the credentials are wrong.
 */
export function classifyAvitoStatus(
  status: number,
  body: unknown,
  retryAfter: string | null,
  options: { tokenEndpoint?: boolean; now?: number } = {},
): AvitoFailure {
  const { code, message } = errorOfBody(body);
  const text = (message ?? `HTTP ${status}`).slice(0, 500);
  if (status === 401 || status === 403 || (options.tokenEndpoint === true && status === 400)) {
    return { kind: 'rejected', status, ...(code !== undefined ? { code } : {}), message: text };
  }
  if (status === 429) return { kind: 'rate-limited', status, retryAfterMs: parseRetryAfter(retryAfter, options.now), message: text };
  if (status >= 500 || status === 408) return { kind: 'unavailable', status, message: text };
  return { kind: 'permanent', status, code: code ?? status, message: text };
}

/** A failure as one line for logs and health reasons (never contains a credential). */
export function describeAvitoFailure(failure: AvitoFailure): string {
  const status = failure.status !== undefined ? `${failure.status} ` : '';
  return `${failure.kind}: ${status}${failure.message}`.trim();
}
