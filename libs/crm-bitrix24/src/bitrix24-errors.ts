/** A Bitrix24 REST error answer `{"error", "error_description"}` (the code may be an empty string). */
export class Bitrix24ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    /** `time.operating_reset_at` (epoch seconds) when the answer carried one. */
    readonly operatingResetAt?: number,
  ) {
    super(`Bitrix24 ${status} ${code || '(no code)'}: ${description}`);
    this.name = 'Bitrix24ApiError';
  }
}

/**
 * What an error code means for forwarding (PLATFORMS.md §5):
 * - `rate`: not processed, wait (QUERY_LIMIT_EXCEEDED 503, OPERATION_TIME_LIMIT 429);
 * - `credentials`: the webhook is refused (deleted, expired, wrong auth type, REST not on this plan, portal deleted);
 * - `scope`: the webhook lacks a scope;
 * - `transient`: the portal failed, retry (500 INTERNAL_SERVER_ERROR, OVERLOAD_LIMIT, other 5xx);
 * - `permanent`: this data is refused (validation, not found…): the same request will fail again.
 */
export type Bitrix24ErrorClass = 'rate' | 'credentials' | 'scope' | 'transient' | 'permanent';

const RATE = new Set(['QUERY_LIMIT_EXCEEDED', 'OPERATION_TIME_LIMIT']);
const CREDENTIALS = new Set(['NO_AUTH_FOUND', 'expired_token', 'INVALID_CREDENTIALS', 'WRONG_AUTH_TYPE', 'user_access_error', 'PORTAL_DELETED', 'invalid_token']);
const TRANSIENT = new Set(['INTERNAL_SERVER_ERROR', 'OVERLOAD_LIMIT', 'ERROR_UNEXPECTED_ANSWER']);

/**
 * `status` is the HTTP status of the answer (undefined for a sub-call inside `batch`, whose errors carry no status).
 * ACCESS_DENIED is about the whole portal (REST needs a commercial plan) when the request itself is refused with it,
 * and about one record when a sub-call gets it.
 */
export function classifyBitrix24Error(code: string, status?: number): Bitrix24ErrorClass {
  if (RATE.has(code)) return 'rate';
  if (CREDENTIALS.has(code) || status === 401) return 'credentials';
  if (code === 'insufficient_scope') return 'scope';
  if (code === 'ACCESS_DENIED' && status === 403) return 'credentials';
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500)) return 'transient';
  return 'permanent';
}

/** Stable error code of a record that Bitrix24 refused: `BITRIX24_<CODE>` (empty code → BITRIX24_ERROR). */
export function recordErrorCode(code: string): string {
  const clean = code.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return clean ? `BITRIX24_${clean}` : 'BITRIX24_ERROR';
}
