/** One entry of amoCRM's `validation-errors` (problem+json 400): which lead of the array, which field, why. */
export interface AmocrmValidationError {
  /** `request_id` of the item (its index in the array body unless one was given). */
  requestId: string;
  code: string;
  path: string;
  detail: string;
}

/** An HTTP answer of amoCRM that is not a success (problem+json, or a bare 429/5xx page). */
export class AmocrmApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly validationErrors: AmocrmValidationError[] = [],
    /** Retry-After of a 429, ms, when the answer carried one. */
    readonly retryAfterMs?: number,
  ) {
    super(`amoCRM ${status} ${title}: ${detail}`);
    this.name = 'AmocrmApiError';
  }
}

/** The refresh token or the auth code was refused by /oauth2/access_token: only a new authorization helps. */
export class AmocrmGrantRejectedError extends Error {
  constructor(
    readonly grant: 'authorization_code' | 'refresh_token',
    readonly status: number,
    detail: string,
  ) {
    super(`amoCRM refused the ${grant === 'authorization_code' ? 'authorization code' : 'refresh token'} (${status}): ${detail}`);
    this.name = 'AmocrmGrantRejectedError';
  }
}

/** The record codes the port sees: stable, upper-snake. */
export const AMOCRM_AUTH_CODE_INVALID = 'AMOCRM_AUTH_CODE_INVALID';
export const AMOCRM_TOKEN_INVALID = 'AMOCRM_TOKEN_INVALID';
export const AMOCRM_VALIDATION_FAILED = 'AMOCRM_VALIDATION_FAILED';

/** Parses a non-success answer into an AmocrmApiError (problem+json when it is one; 429 bodies may be HTML). */
export function apiError(status: number, json: unknown, text: string, retryAfter?: string | string[]): AmocrmApiError {
  const body = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const validation = Array.isArray(body['validation-errors']) ? (body['validation-errors'] as Array<Record<string, unknown>>) : [];
  const errors = validation.flatMap((group) =>
    (Array.isArray(group.errors) ? (group.errors as Array<Record<string, unknown>>) : []).map((e) => ({
      requestId: String(group.request_id ?? ''),
      code: String(e.code ?? ''),
      path: String(e.path ?? ''),
      detail: String(e.detail ?? ''),
    })),
  );
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  return new AmocrmApiError(
    status,
    typeof body.title === 'string' ? body.title : `HTTP ${status}`,
    typeof body.detail === 'string' ? body.detail : text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200),
    errors,
    Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined,
  );
}

/** The error of a refused record, naming the field: `AMOCRM_VALIDATION_FAILED` + `status_id: The value …`. */
export function validationDetail(errors: readonly AmocrmValidationError[]): string {
  return errors.map((e) => `${e.path || '(body)'}: ${e.detail}${e.code ? ` (${e.code})` : ''}`).join('; ');
}
