import { classifyVkError, VK_API_VERSION, type VkFailure, type VkResult } from './vk-failure';

export interface VkApiOptions {
  /** VK_API_URL (https://api.vk.com/method, or a local fake in tests); a trailing "/" is ignored. */
  apiUrl: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Injectable fetch (default: the global one). */
  fetch?: typeof fetch;
}

/** One parameter value of a VK call; `undefined` leaves the parameter out. */
export type VkParam = string | number | boolean | undefined;

export interface VkGroup {
  id: number;
  name?: string;
  screen_name?: string;
}

export interface VkUser {
  id: number;
  first_name?: string;
  last_name?: string;
  deactivated?: string;
}

export interface VkSendParams {
  groupId: number;
  peerId: number;
  /** VK's idempotency key: a retried call with the same random_id is not delivered twice. */
  randomId: number;
  message?: string;
  /** `photo<owner>_<id>[_key],…` */
  attachment?: string;
  replyTo?: number;
}

/**
 * A typed client of the VK API calls the connector makes (PLATFORMS.md §3): `POST <VK_API_URL>/<method>` with the
 * parameters form-encoded (VK takes no JSON bodies), `v=5.199`, the token as `Authorization: Bearer`. VK reports
 * errors with HTTP 200 and an `error` object; every outcome is a VkResult, nothing throws.
 */
export class VkApiClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: VkApiOptions) {
    this.base = options.apiUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Calls `method`; the `response` of a successful answer, or the failure. */
  async call<T>(method: string, token: string, params: Record<string, VkParam> = {}): Promise<VkResult<T>> {
    const body = new URLSearchParams({ v: VK_API_VERSION });
    for (const [key, value] of Object.entries(params)) if (value !== undefined) body.set(key, String(value));
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(`${this.base}/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      return unavailable(`could not be reached: ${(err as Error)?.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (err as Error)?.message ?? String(err)}`);
    }
    return parseAnswer<T>(res.status, text);
  }

  /** The community the token belongs to (`groups.getById` with a community token, no parameters). */
  async getGroupById(token: string): Promise<VkResult<VkGroup[]>> {
    const result = await this.call<unknown>('groups.getById', token);
    if (!result.ok) return result;
    // v5.199: `{ groups: [...], profiles: [...] }`; older versions: a bare array.
    const v = result.value as { groups?: unknown } | unknown[];
    const groups = Array.isArray(v) ? v : Array.isArray(v?.groups) ? v.groups : undefined;
    if (!groups) return unavailable('answered without groups');
    return { ok: true, value: groups.filter((g): g is VkGroup => isObject(g) && Number.isSafeInteger(g.id)) };
  }

  /** The string a callback server must answer to VK's `confirmation` call. */
  async getCallbackConfirmationCode(token: string, groupId: number): Promise<VkResult<string>> {
    const result = await this.call<{ code?: unknown }>('groups.getCallbackConfirmationCode', token, { group_id: groupId });
    if (!result.ok) return result;
    const code = isObject(result.value) ? result.value.code : undefined;
    if (typeof code !== 'string' || code === '') return unavailable('answered without a code');
    return { ok: true, value: code };
  }

  /** `messages.send` to one peer; the id of the sent message. */
  async sendMessage(token: string, p: VkSendParams): Promise<VkResult<number>> {
    const result = await this.call<unknown>('messages.send', token, {
      group_id: p.groupId,
      peer_id: p.peerId,
      random_id: p.randomId,
      message: p.message,
      attachment: p.attachment,
      reply_to: p.replyTo,
    });
    if (!result.ok) return result;
    const v = result.value;
    const id = typeof v === 'number' ? v : isObject(v) ? (v as { message_id?: unknown }).message_id : undefined;
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return unavailable('answered without a message id');
    return { ok: true, value: id };
  }

  /** `users.get` for up to 1000 ids. */
  async getUsers(token: string, userIds: readonly (number | string)[]): Promise<VkResult<VkUser[]>> {
    const result = await this.call<unknown>('users.get', token, { user_ids: userIds.join(',') });
    if (!result.ok) return result;
    if (!Array.isArray(result.value)) return unavailable('answered without a list');
    return { ok: true, value: result.value.filter((u): u is VkUser => isObject(u) && Number.isSafeInteger(u.id)) };
  }

  /** `messages.markAsRead`: a peer's conversation (up to `startMessageId` when given), or the given messages. */
  async markAsRead(token: string, p: { groupId: number; peerId?: number; startMessageId?: number; messageIds?: readonly number[] }): Promise<VkResult<true>> {
    const result = await this.call<unknown>('messages.markAsRead', token, {
      group_id: p.groupId,
      peer_id: p.peerId,
      start_message_id: p.startMessageId,
      message_ids: p.messageIds?.join(','),
    });
    return result.ok ? { ok: true, value: true } : result;
  }
}

function parseAnswer<T>(status: number, text: string): VkResult<T> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return unavailable(status >= 200 && status < 300 ? `answered HTTP ${status} with a body that is not JSON` : `answered HTTP ${status}`);
  }
  if (isObject(body) && isObject(body.error)) {
    const { error_code: code, error_msg: msg } = body.error as { error_code?: unknown; error_msg?: unknown };
    if (typeof code === 'number' && Number.isSafeInteger(code)) return { ok: false, failure: classifyVkError(code, typeof msg === 'string' ? msg : '') };
    return unavailable('answered an error without a code');
  }
  if (status < 200 || status >= 300) return unavailable(`answered HTTP ${status}`);
  if (!isObject(body) || !('response' in body)) return unavailable('answered without a response');
  return { ok: true, value: body.response as T };
}

function unavailable(description: string): { ok: false; failure: VkFailure } {
  return { ok: false, failure: { kind: 'unavailable', description: description.slice(0, 500) } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
