// A local stand-in for the VK API and the VK Callback API sender (PLATFORMS.md §3) for tests of the api (the
// community check on save) and of connector-vk (confirmation, events, messages.send, users.get, markAsRead, files).
// On the kit's FakePlatformServer (libs/testing/src/fakes/fake-platform.server.ts), one instance per test file.
//
//   const vk = await FakeVkServer.start();                         // 127.0.0.1:<free port>
//   const community = vk.addCommunity({ name: 'Магазин' });        // a community token the API accepts
//   process.env.VK_API_URL = vk.apiUrl;                            // http://127.0.0.1:<port>/method
//   const user = vk.addUser({ firstName: 'Иван', lastName: 'Петров' });
//   await vk.deliver(callbackUrl, vk.messageNew(community, secret, { from_id: user.id, text: 'Привет' }));
//   vk.failNext('messages.send', { kind: 'error', code: 9 }, 2);   // VK's shape: HTTP 200 + { error }
//
// Contract kept (PLATFORMS.md §3): `POST /method/<name>` with form-urlencoded (or query) parameters — a JSON body is
// not read; `v` required; the token as `Authorization: Bearer` or `access_token`; every answer is HTTP 200 with
// `{"response": …}` or `{"error": {error_code, error_msg, request_params}}`: 5 bad token, 6 over `ratePerSecond` calls
// per second per token (default 20, the community limit), 8 no `v`, 100 missing parameter, 901 a user who denied
// messages, 3 unknown method. messages.send dedupes on (community, random_id): a repeated random_id returns the first
// message's id and delivers nothing. Files are served at `/files/<name>` (VK attachment URLs are direct).
import { randomBytes } from 'node:crypto';
import { FakePlatformServer, type FakeCall, type FakeDeliveryResponse, type FakeFailOptions, type FakeFailure, type FakeReply, type FakeRequest } from '../fake-platform.server';

export interface FakeVkCommunity {
  groupId: number;
  name: string;
  screenName: string;
  token: string;
  confirmationCode: string;
  /** false: groups.getCallbackConfirmationCode answers 15 (a token without the "manage" right). */
  canManage: boolean;
  /** Users who denied the community's messages: messages.send to them answers 901. */
  denied: Set<number>;
}

export interface FakeVkUser {
  id: number;
  firstName: string;
  lastName: string;
}

/** One message the fake delivered for messages.send. */
export interface FakeVkSent {
  id: number;
  groupId: number;
  peerId: number;
  randomId: number;
  message?: string;
  attachment?: string;
  replyTo?: number;
  at: Date;
}

/** One API request received, in arrival order (also the refused ones); `params` = query + form fields, no token. */
export interface FakeVkCall extends FakeCall {
  /** The API method (`name` too). */
  method: string;
  params: Record<string, string>;
  token?: string;
  /** error_code answered, if any. */
  errorCode?: number;
}

/** A programmed failure of the next call(s) of a method (see failNext). */
export type FakeVkFailure =
  | { kind: 'error'; code: number; message?: string }
  | { kind: 'http'; status: number }
  | { kind: 'drop-connection' }
  | { kind: 'delay'; ms: number };

export interface FakeVkOptions {
  port?: number;
  /** Calls per second per token before error 6 (default 20). */
  ratePerSecond?: number;
  /** The clock of the rate window (default Date.now). */
  now?: () => number;
}

/** The answer of our webhook to one Callback API call. */
export interface FakeVkDelivery extends FakeDeliveryResponse {
  contentType?: string;
}

const ERROR_TEXT: Readonly<Record<number, string>> = {
  3: 'Unknown method passed',
  5: 'User authorization failed: invalid access_token (4).',
  6: 'Too many requests per second',
  8: 'Invalid request: v (version) is required',
  9: 'Flood control',
  10: 'Internal server error',
  15: 'Access denied: no access to call this method',
  100: 'One of the parameters specified was missing or invalid',
  901: "Can't send messages for users without permission",
};

class VkError extends Error {
  constructor(readonly code: number) {
    super(ERROR_TEXT[code] ?? `error ${code}`);
  }
}

export class FakeVkServer extends FakePlatformServer<FakeVkCall> {
  readonly communities: FakeVkCommunity[] = [];
  readonly users = new Map<number, FakeVkUser>();
  readonly sent: FakeVkSent[] = [];
  /** markAsRead calls: `{ groupId, peerId, startMessageId? }` or `{ groupId, messageIds }`. */
  readonly reads: Array<{ groupId: number; peerId?: number; startMessageId?: number; messageIds?: number[] }> = [];
  private readonly files = new Map<string, { content: Buffer; contentType: string }>();
  /** VK errors programmed with failNext (answered by the handler, so the call records its error_code). */
  private readonly vkErrors: Array<{ method: string; remaining: number; code: number; message?: string }> = [];
  private readonly answeredErrors = new WeakMap<FakeRequest, number>();
  private readonly windows = new Map<string, number[]>();
  private readonly randomIds = new Map<string, number>();
  private readonly ratePerSecond: number;
  private readonly now: () => number;
  private nextGroupId = 218_000_000;
  private nextUserId = 1_000_000;
  private nextMessageId = 1;
  private nextEventId = 1;
  private usersGetDelayMs = 0;

  constructor(options: FakeVkOptions = {}) {
    super({ port: options.port });
    this.ratePerSecond = options.ratePerSecond ?? 20;
    this.now = options.now ?? Date.now;
    this.route('POST', '/method/:name', (req) => this.api(req), { name: (req) => req.pathParams.name });
    this.route('GET', '/method/:name', (req) => this.api(req), { name: (req) => req.pathParams.name });
    this.route('GET', '/files/:name', (req) => this.serveFile(req.pathParams.name));
  }

  static start(options: FakeVkOptions = {}): Promise<FakeVkServer> {
    return new FakeVkServer(options).start();
  }

  /** VK_API_URL of this fake. */
  get apiUrl(): string {
    return `${this.baseUrl}/method`;
  }

  addCommunity(o: Partial<Omit<FakeVkCommunity, 'denied'>> = {}): FakeVkCommunity {
    const groupId = o.groupId ?? this.nextGroupId++;
    const community: FakeVkCommunity = {
      groupId,
      name: o.name ?? `Сообщество ${groupId}`,
      screenName: o.screenName ?? `club${groupId}`,
      token: o.token ?? `vk1.a.${randomBytes(24).toString('base64url')}`,
      confirmationCode: o.confirmationCode ?? randomBytes(4).toString('hex'),
      canManage: o.canManage ?? true,
      denied: new Set(),
    };
    this.communities.push(community);
    return community;
  }

  addUser(o: Partial<FakeVkUser> = {}): FakeVkUser {
    const user = { id: o.id ?? this.nextUserId++, firstName: o.firstName ?? 'Иван', lastName: o.lastName ?? 'Петров' };
    this.users.set(user.id, user);
    return user;
  }

  /** Serves `content` at a direct URL, as VK serves attachments. */
  addFile(name: string, content: Buffer | string, contentType = 'application/octet-stream'): string {
    this.files.set(name, { content: Buffer.from(content), contentType });
    return `${this.baseUrl}/files/${encodeURIComponent(name)}`;
  }

  /**
   * The next `times` calls of `method` ('*' = any) fail as given: a VK error (HTTP 200 + `error`), an HTTP error page,
   * a dropped connection or a delay. The base's FakeFailure and options are taken too.
   */
  override failNext(method: string, failure: FakeVkFailure | FakeFailure, times: number | FakeFailOptions = 1): void {
    const options = typeof times === 'number' ? { times } : times;
    if (failure.kind === 'error') {
      this.vkErrors.push({ method: method.toLowerCase(), remaining: options.times ?? 1, code: failure.code, ...(failure.message ? { message: failure.message } : {}) });
      return;
    }
    super.failNext(method, failure.kind === 'http' ? { kind: 'reply', reply: { status: failure.status, text: '<html>Bad Gateway</html>' } } : failure, options);
  }

  /** users.get answers after this delay (exercises the connector's time budget). */
  delayUsersGet(ms: number): void {
    this.usersGetDelayMs = ms;
  }

  /** Forgets calls, sent messages, read marks and programmed failures. */
  clear(): void {
    this.clearCalls();
    this.clearFailures();
    this.vkErrors.length = 0;
    this.sent.length = 0;
    this.reads.length = 0;
  }

  // --- the Callback API sender ---------------------------------------------------------------------------------

  /** A Callback API body `{ type, object, group_id, event_id, v, secret }`. */
  event(community: FakeVkCommunity, secret: string | undefined, type: string, object: unknown, eventId?: string): Record<string, unknown> {
    return {
      type,
      object,
      group_id: community.groupId,
      event_id: eventId ?? `${randomBytes(8).toString('hex')}${this.nextEventId++}`,
      v: '5.199',
      ...(secret !== undefined ? { secret } : {}),
    };
  }

  /** `message_new` from a user, with a fresh message id (override any field of the message). */
  messageNew(community: FakeVkCommunity, secret: string | undefined, message: Record<string, unknown> & { from_id: number }): Record<string, unknown> {
    const full = this.message(message);
    return this.event(community, secret, 'message_new', { message: full, client_info: { button_actions: ['text'], keyboard: true, inline_keyboard: true, carousel: true, lang_id: 0 } });
  }

  /** A `messages_message` object as VK sends it (private chat: peer_id = from_id). */
  message(m: Record<string, unknown> & { from_id: number }): Record<string, unknown> {
    return {
      id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      peer_id: m.from_id,
      text: '',
      conversation_message_id: this.nextMessageId,
      out: 0,
      version: 1,
      attachments: [],
      fwd_messages: [],
      important: false,
      is_hidden: false,
      ...m,
    };
  }

  /** `confirmation` (with the secret, as VK sends it once the secret key is set). */
  confirmation(community: FakeVkCommunity, secret?: string): Record<string, unknown> {
    return { type: 'confirmation', group_id: community.groupId, ...(secret !== undefined ? { secret } : {}) };
  }

  /** VK calling our webhook once with `body` (JSON); `retry` sets X-Retry-Counter as VK does on re-sends. */
  override async deliver(url: string, body?: unknown, options: { retry?: number; raw?: string } = {}): Promise<FakeVkDelivery> {
    const answer = await super.deliver(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.retry ? { 'x-retry-counter': String(options.retry) } : {}) },
      body: options.raw ?? JSON.stringify(body),
    });
    const contentType = answer.headers['content-type'];
    return { ...answer, ...(contentType ? { contentType } : {}) };
  }

  /** VK's retry: re-sends (X-Retry-Counter 1, 2, …) every `intervalMs` until the answer is 200 `ok` or `attempts` run out. */
  async deliverUntilOk(url: string, body: unknown, options: { attempts?: number; intervalMs?: number } = {}): Promise<FakeVkDelivery[]> {
    const answers: FakeVkDelivery[] = [];
    for (let i = 0; i < (options.attempts ?? 10); i += 1) {
      const answer = await this.deliver(url, body, { retry: i });
      answers.push(answer);
      if (answer.status === 200 && answer.body === 'ok') break;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
    }
    return answers;
  }

  // --- the API -------------------------------------------------------------------------------------------------

  protected override describeCall(req: FakeRequest, name: string): Partial<FakeVkCall> {
    const { params, token } = vkParams(req);
    const errorCode = this.answeredErrors.get(req);
    return { method: name, params: redact(params), ...(token ? { token } : {}), ...(errorCode !== undefined ? { errorCode } : {}) };
  }

  private async api(req: FakeRequest): Promise<FakeReply> {
    const method = req.pathParams.name;
    const { params, token } = vkParams(req);
    try {
      const programmed = this.takeVkError(method);
      if (programmed) throw Object.assign(new VkError(programmed.code), programmed.message ? { message: programmed.message } : {});
      return { json: { response: await this.dispatch(method, params, token) } };
    } catch (err) {
      if (!(err instanceof VkError)) throw err;
      this.answeredErrors.set(req, err.code);
      const request_params = Object.entries({ ...redact(params), method }).map(([key, value]) => ({ key, value }));
      return { json: { error: { error_code: err.code, error_msg: err.message, request_params } } };
    }
  }

  private async dispatch(method: string, p: Record<string, string>, token: string | undefined): Promise<unknown> {
    if (!p.v) throw new VkError(8);
    const community = this.communities.find((c) => c.token === token);
    if (!community) throw new VkError(5);
    this.countRate(community.token);
    switch (method) {
      case 'groups.getById':
        return { groups: [{ id: community.groupId, name: community.name, screen_name: community.screenName, is_closed: 0, type: 'group' }], profiles: [] };
      case 'groups.getCallbackConfirmationCode':
        if (!community.canManage) throw new VkError(15);
        if (Number(p.group_id) !== community.groupId) throw new VkError(100);
        return { code: community.confirmationCode };
      case 'users.get':
        if (this.usersGetDelayMs > 0) await new Promise((r) => setTimeout(r, this.usersGetDelayMs));
        return (p.user_ids ?? '').split(',').flatMap((id) => {
          const user = this.users.get(Number(id));
          return user ? [{ id: user.id, first_name: user.firstName, last_name: user.lastName, can_access_closed: true, is_closed: false }] : [];
        });
      case 'messages.send':
        return this.send(community, p);
      case 'messages.markAsRead':
        return this.markAsRead(community, p);
      default:
        throw new VkError(3);
    }
  }

  private send(community: FakeVkCommunity, p: Record<string, string>): number {
    const peerId = Number(p.peer_id ?? p.user_id);
    if (!Number.isSafeInteger(peerId) || peerId === 0 || !/^-?\d+$/.test(p.random_id ?? '') || (!p.message && !p.attachment)) throw new VkError(100);
    const randomId = Number(p.random_id);
    const key = `${community.groupId}:${randomId}`;
    const earlier = this.randomIds.get(key);
    if (earlier !== undefined && randomId !== 0) return earlier;
    if (community.denied.has(peerId)) throw new VkError(901);
    const sent: FakeVkSent = {
      id: this.nextMessageId++,
      groupId: community.groupId,
      peerId,
      randomId,
      ...(p.message ? { message: p.message } : {}),
      ...(p.attachment ? { attachment: p.attachment } : {}),
      ...(p.reply_to ? { replyTo: Number(p.reply_to) } : {}),
      at: new Date(),
    };
    this.sent.push(sent);
    this.randomIds.set(key, sent.id);
    return sent.id;
  }

  /** peer_id (with start_message_id) or message_ids of messages the community received. */
  private markAsRead(community: FakeVkCommunity, p: Record<string, string>): number {
    if (/^\d+$/.test(p.peer_id ?? '')) {
      this.reads.push({ groupId: community.groupId, peerId: Number(p.peer_id), ...(p.start_message_id ? { startMessageId: Number(p.start_message_id) } : {}) });
      return 1;
    }
    if (!/^\d+(,\d+)*$/.test(p.message_ids ?? '')) throw new VkError(100);
    this.reads.push({ groupId: community.groupId, messageIds: p.message_ids.split(',').map(Number) });
    return 1;
  }

  private countRate(token: string): void {
    const now = this.now();
    const window = (this.windows.get(token) ?? []).filter((t) => t > now - 1000);
    if (window.length >= this.ratePerSecond) {
      this.windows.set(token, window);
      throw new VkError(6);
    }
    window.push(now);
    this.windows.set(token, window);
  }

  private takeVkError(method: string): { code: number; message?: string } | undefined {
    const wanted = method.toLowerCase();
    const rule = this.vkErrors.find((f) => f.remaining > 0 && (f.method === wanted || f.method === '*'));
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule;
  }

  private serveFile(name: string): FakeReply {
    const file = this.files.get(name);
    if (!file) return { status: 404, text: 'not found' };
    return { body: file.content, headers: { 'content-type': file.contentType } };
  }
}

/** What VK reads of a call: query and form-urlencoded fields as strings (a JSON body is not read), and the token. */
function vkParams(req: FakeRequest): { params: Record<string, string>; token?: string } {
  const params: Record<string, string> = Object.fromEntries(req.query);
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) Object.assign(params, Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8'))));
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? params.access_token;
  return token ? { params, token } : { params };
}

function redact(params: Record<string, string>): Record<string, string> {
  const { access_token: _token, ...rest } = params;
  return rest;
}
