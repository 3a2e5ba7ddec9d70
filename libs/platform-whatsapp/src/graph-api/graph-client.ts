import { GraphErrorCode, isAuthError, isRateLimitError } from './graph-error-codes';

/** The Graph API version the connector speaks (PLATFORMS.md §2: docs show v25.0). */
export const GRAPH_API_VERSION = 'v25.0';

export interface GraphClientOptions {
  /** WHATSAPP_GRAPH_URL (https://graph.facebook.com, or a local fake); a trailing "/" is ignored. */
  baseUrl: string;
  version?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** A failed Graph call, classified (never carries the token). */
export type GraphFailure =
  /** The token is not accepted (190 / 0 / HTTP 401): the channel needs re-authorization. */
  | { kind: 'rejected'; code: number; message: string }
  /** Too fast (130429 throughput, 131056 pair limit, 4 / 80007, HTTP 429): send the same request again after this. */
  | { kind: 'rate-limited'; code: number; retryAfterMs: number; message: string }
  /** Graph could not answer (network error, timeout, 5xx, non-JSON, `is_transient`): try again later. */
  | { kind: 'unavailable'; message: string; status?: number }
  /** Any other Graph error: retrying the same request cannot help. */
  | { kind: 'permanent'; code: number; status: number; message: string };

export type GraphResult<T> = { ok: true; value: T } | { ok: false; failure: GraphFailure };

export interface GraphPhoneNumber {
  id: string;
  display_phone_number?: string;
  verified_name?: string;
}

export interface GraphSendResponse {
  messaging_product?: string;
  contacts?: Array<{ input?: string; wa_id?: string }>;
  messages?: Array<{ id: string; message_status?: string }>;
}

export interface GraphMedia {
  id?: string;
  url: string;
  mime_type?: string;
  sha256?: string;
  file_size?: number | string;
}

export interface GraphTemplate {
  id?: string;
  name: string;
  language: string;
  status: string;
  category?: string;
  components?: unknown[];
}

interface GraphErrorBody {
  error?: { message?: string; code?: number; is_transient?: boolean; error_data?: { details?: string } };
}

/** Default waits when Graph says "too fast" without a Retry-After header. */
const RATE_LIMIT_WAIT_MS: Readonly<Record<number, number>> = {
  [GraphErrorCode.PairRateLimit]: 6_000,
  [GraphErrorCode.ThroughputReached]: 1_000,
  [GraphErrorCode.AppRateLimit]: 60_000,
  [GraphErrorCode.WabaRateLimit]: 60_000,
};
const MAX_TEMPLATE_PAGES = 20;

/** A typed client of the Graph API calls the WhatsApp channel needs, for one access token. Never throws. */
export class WhatsappGraphClient {
  private readonly root: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly accessToken: string,
    options: GraphClientOptions,
  ) {
    this.root = `${options.baseUrl.replace(/\/+$/, '')}/${options.version ?? GRAPH_API_VERSION}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `GET /{phone-number-id}`: the credential check (bad token → rejected, unknown id → permanent 100). */
  getPhoneNumber(phoneNumberId: string): Promise<GraphResult<GraphPhoneNumber>> {
    return this.call<GraphPhoneNumber>('GET', `/${encodeURIComponent(phoneNumberId)}?fields=id,display_phone_number,verified_name`);
  }

  /** `POST /{phone-number-id}/messages` with a message body (see planWhatsappMessage). */
  sendMessage(phoneNumberId: string, body: Record<string, unknown>): Promise<GraphResult<GraphSendResponse>> {
    return this.call<GraphSendResponse>('POST', `/${encodeURIComponent(phoneNumberId)}/messages`, body);
  }

  /** Marks an inbound message (and the ones before it) read. */
  markRead(phoneNumberId: string, wamid: string): Promise<GraphResult<{ success?: boolean }>> {
    return this.call('POST', `/${encodeURIComponent(phoneNumberId)}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: wamid });
  }

  /** `GET /{media-id}`: a download URL valid 5 minutes. */
  getMedia(mediaId: string, phoneNumberId?: string): Promise<GraphResult<GraphMedia>> {
    const query = phoneNumberId ? `?phone_number_id=${encodeURIComponent(phoneNumberId)}` : '';
    return this.call<GraphMedia>('GET', `/${encodeURIComponent(mediaId)}${query}`);
  }

  /** Fetches a media URL with the Bearer token (a plain GET fails); the body is left to stream. */
  async downloadMedia(url: string): Promise<GraphResult<Response>> {
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${this.accessToken}` }, signal: AbortSignal.timeout(this.timeoutMs) });
      if (response.ok && response.body) return { ok: true, value: response };
      const failure = classifyGraphResponse(response.status, await readJson(response), response.headers.get('retry-after'));
      return { ok: false, failure };
    } catch (err) {
      return { ok: false, failure: { kind: 'unavailable', message: describeNetworkError(err) } };
    }
  }

  /** The business account's templates (`GET /{waba-id}/message_templates`), following `paging.next`, APPROVED only. */
  async listApprovedTemplates(wabaId: string): Promise<GraphResult<GraphTemplate[]>> {
    const all: GraphTemplate[] = [];
    let path = `/${encodeURIComponent(wabaId)}/message_templates?fields=id,name,language,status,category,components&status=APPROVED&limit=100`;
    for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
      const result = await this.call<{ data?: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } }>('GET', path);
      if (!result.ok) return result;
      all.push(...(result.value.data ?? []).filter((t) => t.status === 'APPROVED'));
      const after = result.value.paging?.next ? result.value.paging.cursors?.after : undefined;
      if (!after) break;
      path = `/${encodeURIComponent(wabaId)}/message_templates?fields=id,name,language,status,category,components&status=APPROVED&limit=100&after=${encodeURIComponent(after)}`;
    }
    return { ok: true, value: all };
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<GraphResult<T>> {
    let response: Response;
    try {
      response = await fetch(`${this.root}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      return { ok: false, failure: { kind: 'unavailable', message: describeNetworkError(err) } };
    }
    const json = await readJson(response);
    if (response.ok && json !== undefined) return { ok: true, value: json as T };
    if (response.ok) return { ok: false, failure: { kind: 'unavailable', status: response.status, message: 'Graph answered without a JSON body' } };
    return { ok: false, failure: classifyGraphResponse(response.status, json, response.headers.get('retry-after')) };
  }
}

/** Classifies a non-2xx Graph answer by `error.code` (never by titles), then by HTTP status. */
export function classifyGraphResponse(status: number, body: unknown, retryAfterHeader?: string | null): GraphFailure {
  const error = (body as GraphErrorBody | undefined)?.error;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const message = `${error?.message ?? `HTTP ${status}`}${error?.error_data?.details ? ` (${error.error_data.details})` : ''}`.slice(0, 1000);
  const retryAfterSeconds = retryAfterHeader && /^\d{1,6}$/.test(retryAfterHeader.trim()) ? Number(retryAfterHeader.trim()) : undefined;
  if (code !== undefined && isRateLimitError(code)) {
    return { kind: 'rate-limited', code, retryAfterMs: retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : (RATE_LIMIT_WAIT_MS[code] ?? 1_000), message };
  }
  if (code === undefined && status === 429) return { kind: 'rate-limited', code: 429, retryAfterMs: (retryAfterSeconds ?? 1) * 1000, message };
  if ((code !== undefined && isAuthError(code)) || (code === undefined && status === 401)) return { kind: 'rejected', code: code ?? 190, message };
  if (status >= 500 || status === 408 || error?.is_transient === true) return { kind: 'unavailable', status, message };
  // A 4xx without a Graph error body (a media URL that expired → 404…): final; its code is the HTTP status.
  return { kind: 'permanent', code: code ?? status, status, message };
}

async function readJson(response: Response): Promise<unknown> {
  try {
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'Graph API timed out';
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `Graph API unreachable${cause}`.slice(0, 1000);
}
