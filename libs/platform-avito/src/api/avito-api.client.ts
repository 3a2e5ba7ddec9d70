import type { AvitoChatInfo, AvitoSelf, AvitoSentMessage, AvitoSubscriptions, AvitoTokenAnswer, AvitoVoiceFiles } from './avito-api.types';
import { type AvitoResult, classifyAvitoStatus, failed, ok } from './avito-failure';

export interface AvitoApiOptions {
  /** AVITO_API_URL (https://api.avito.ru, or a local fake in tests); a trailing "/" is ignored. */
  baseUrl: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Injectable for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/** An access token issued by `/token` (client credentials: no refresh token, PLATFORMS.md §4). */
export interface IssuedToken {
  accessToken: string;
  /** Lifetime in seconds as Avito states it (86400). */
  expiresInSeconds: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Overrides the client's timeout (the webhook path asks chat info with ~500 ms). */
  timeoutMs?: number;
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs?: number;
  tokenEndpoint?: boolean;
}

/**
 * Typed client of the Avito calls the connector makes. Every method resolves (never throws) with the value or an
 * AvitoFailure; the token is passed per call and never appears in a failure or an error message.
 */
export class AvitoApiClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: AvitoApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? fetch;
  }

  /** `POST /token` with grant_type=client_credentials. */
  async requestToken(clientId: string, clientSecret: string, options: CallOptions = {}): Promise<AvitoResult<IssuedToken>> {
    const result = await this.call<AvitoTokenAnswer>({
      method: 'POST',
      path: '/token',
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
      tokenEndpoint: true,
      ...options,
    });
    if (!result.ok) return result;
    const { access_token: accessToken, expires_in: expiresIn } = result.value;
    if (typeof accessToken !== 'string' || accessToken.length === 0) {
      return failed({ kind: 'unavailable', status: 200, message: 'token answer without access_token' });
    }
    const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 86_400;
    return ok({ accessToken, expiresInSeconds: seconds });
  }

  /** `GET /core/v1/accounts/self`: the account whose `id` is the messenger user_id. */
  async getSelf(token: string, options: CallOptions = {}): Promise<AvitoResult<AvitoSelf>> {
    const result = await this.call<AvitoSelf>({ method: 'GET', path: '/core/v1/accounts/self', token, ...options });
    if (result.ok && !Number.isSafeInteger(result.value?.id)) {
      return failed({ kind: 'unavailable', status: 200, message: 'accounts/self answer without an integer id' });
    }
    return result;
  }

  /** `POST /messenger/v1/subscriptions`: the webhook URLs subscribed (also the plan check: 402 without Messenger). */
  async listSubscriptions(token: string, options: CallOptions = {}): Promise<AvitoResult<string[]>> {
    const result = await this.call<AvitoSubscriptions>({ method: 'POST', path: '/messenger/v1/subscriptions', token, json: {}, ...options });
    if (!result.ok) return result;
    const list = Array.isArray(result.value?.subscriptions) ? result.value.subscriptions : [];
    return ok(list.map((s) => s?.url).filter((u): u is string => typeof u === 'string'));
  }

  /** `POST /messenger/v3/webhook` `{url}`. */
  subscribe(token: string, url: string, options: CallOptions = {}): Promise<AvitoResult<unknown>> {
    return this.call({ method: 'POST', path: '/messenger/v3/webhook', token, json: { url }, ...options });
  }

  /** `POST /messenger/v1/webhook/unsubscribe` `{url}`. */
  unsubscribe(token: string, url: string, options: CallOptions = {}): Promise<AvitoResult<unknown>> {
    return this.call({ method: 'POST', path: '/messenger/v1/webhook/unsubscribe', token, json: { url }, ...options });
  }

  /** `GET /messenger/v2/accounts/{user_id}/chats/{chat_id}`: the listing (context.value) and the chat's users. */
  getChat(token: string, userId: number, chatId: string, options: CallOptions = {}): Promise<AvitoResult<AvitoChatInfo>> {
    return this.call({ method: 'GET', path: `/messenger/v2/accounts/${userId}/chats/${encodeURIComponent(chatId)}`, token, ...options });
  }

  /** `POST /messenger/v1/accounts/{user_id}/chats/{chat_id}/messages` with one text (≤ 1000 characters). */
  async sendText(token: string, userId: number, chatId: string, text: string, options: CallOptions = {}): Promise<AvitoResult<AvitoSentMessage>> {
    const result = await this.call<AvitoSentMessage>({
      method: 'POST',
      path: `/messenger/v1/accounts/${userId}/chats/${encodeURIComponent(chatId)}/messages`,
      token,
      json: { message: { text }, type: 'text' },
      ...options,
    });
    if (result.ok && typeof result.value?.id !== 'string') return failed({ kind: 'unavailable', status: 200, message: 'send answer without a message id' });
    return result;
  }

  /** `POST /messenger/v1/accounts/{user_id}/chats/{chat_id}/read`. */
  markRead(token: string, userId: number, chatId: string, options: CallOptions = {}): Promise<AvitoResult<unknown>> {
    return this.call({ method: 'POST', path: `/messenger/v1/accounts/${userId}/chats/${encodeURIComponent(chatId)}/read`, token, json: {}, ...options });
  }

  /** `GET /messenger/v1/accounts/{user_id}/getVoiceFiles?voice_ids=…` → voice id → URL (valid for 1 h). */
  async getVoiceFiles(token: string, userId: number, voiceIds: readonly string[], options: CallOptions = {}): Promise<AvitoResult<Record<string, string>>> {
    const query = voiceIds.map((id) => `voice_ids=${encodeURIComponent(id)}`).join('&');
    const result = await this.call<AvitoVoiceFiles>({ method: 'GET', path: `/messenger/v1/accounts/${userId}/getVoiceFiles?${query}`, token, ...options });
    if (!result.ok) return result;
    const urls = result.value?.voices_urls;
    return ok(typeof urls === 'object' && urls !== null ? urls : {});
  }

  private async call<T>(req: Request): Promise<AvitoResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (req.token !== undefined) headers.authorization = `Bearer ${req.token}`;
    if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    } else if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.baseUrl}${req.path}`, {
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const name = (err as { name?: string })?.name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : `network error: ${(err as Error)?.message ?? String(err)}`;
      return failed({ kind: 'unavailable', message: `${req.method} ${pathOnly(req.path)}: ${reason}` });
    }
    const parsed = parseJson(text);
    if (response.status >= 200 && response.status < 300) {
      if (parsed === undefined && text.trim() !== '') return failed({ kind: 'unavailable', status: response.status, message: 'non-JSON answer' });
      return ok((parsed ?? {}) as T);
    }
    if (parsed === undefined && response.status < 500 && response.status !== 429 && response.status !== 401 && response.status !== 403) {
      // A 4xx page that is not Avito's JSON (a proxy, a load balancer) says nothing about our request.
      return failed({ kind: 'unavailable', status: response.status, message: `non-JSON ${response.status} answer` });
    }
    return failed(classifyAvitoStatus(response.status, parsed, response.headers.get('retry-after'), { tokenEndpoint: req.tokenEndpoint === true }));
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The path without its query (ids in a query are harmless, but keep log lines short). */
function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}
