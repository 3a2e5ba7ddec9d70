// A local stand-in for the Avito API (PLATFORMS.md §4) for tests of the api (credential checks on save) and of the
// Avito connector (token, webhook subscription, chat info, sending, read marks, voice files). Plain node:http, one
// instance per test file.
//
//   const avito = await FakeAvitoServer.start();                 // 127.0.0.1:<free port>
//   const account = avito.addAccount({ name: 'Магазин' });       // client credentials the server accepts
//   process.env.AVITO_API_URL = avito.baseUrl;                   // http://127.0.0.1:<port>
//   avito.addChat(account, { chatId: 'u2i-1', item: { id: 42, title: 'Велосипед' }, client: { id: 7, name: 'Иван' } });
//   avito.failNext('sendText', { kind: 'rate-limit', retryAfterSeconds: 1 });
//   avito.expireTokens(account);                                  // every issued token answers 401 from now on
//   await avito.post(url, avito.webhookOf(account, { chatId: 'u2i-1', type: 'text', content: { text: 'Привет' } }));
// Built on the kit's FakePlatformServer (routing, parsing, call recording, failures, stop/restart).
//
// Contract kept (PLATFORMS.md §4): `POST /token` form-urlencoded client_credentials → `{access_token, expires_in,
// token_type}`; every other call needs `Authorization: Bearer <token>`; errors are `{"error":{"code","message"}}` with
// the HTTP status equal to `code` (400 validation adds `fields`); 401 unknown/expired token, 403 a user_id that is not
// the token's account, 402 Messenger calls of an account without a Messenger plan, 404 unknown chat or path,
// text over 1000 characters → 400; 429 carries Retry-After.
import { randomBytes } from 'node:crypto';
import { type FakeCall, type FakeFailOptions, type FakeFailure, FakePlatformServer, type FakeReply, type FakeRequest } from '../fake-platform.server';

export interface FakeAvitoAccount {
  /** The messenger user_id (`accounts/self` id). */
  userId: number;
  name: string;
  clientId: string;
  clientSecret: string;
  /** false: Messenger calls answer 402 (a plan without the Messenger API). */
  messenger: boolean;
}

export interface FakeAvitoChat {
  chatId: string;
  chatType: 'u2i' | 'u2u';
  item?: { id: number; title: string; url?: string; price?: string };
  client: { id: number; name: string };
  /** Answers chat info after this many ms (exercises the connector's time budget). */
  infoDelayMs?: number;
}

/** One message the fake accepted from `sendText`. */
export interface FakeAvitoSent {
  id: string;
  userId: number;
  chatId: string;
  text: string;
  at: Date;
}

/** One request received, in arrival order (also the refused ones): the base's record plus Avito's view of it. */
export interface FakeAvitoCall extends FakeCall {
  route: FakeAvitoRoute;
  /** The bearer token as sent (undefined on /token and unauthenticated calls). */
  token?: string;
  /** The JSON body, or the form fields of /token (client_secret replaced by "***"). */
  body: Record<string, unknown>;
}

export type FakeAvitoRoute =
  | 'token'
  | 'self'
  | 'subscriptions'
  | 'subscribe'
  | 'unsubscribe'
  | 'chatInfo'
  | 'sendText'
  | 'markRead'
  | 'voiceFiles'
  | 'file'
  | 'unknown';

/** A programmed failure of the next call(s) of a route (see failNext). */
export type FakeAvitoFailure =
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'unauthorized' }
  | { kind: 'payment-required' }
  | { kind: 'server-error'; status?: number }
  | { kind: 'drop-connection' }
  | { kind: 'delay'; ms: number };

export interface FakeAvitoOptions {
  port?: number;
  /** `expires_in` of issued tokens (default 86400, as Avito). */
  tokenTtlSeconds?: number;
}

interface IssuedToken {
  account: FakeAvitoAccount;
  expiresAt: number;
  revoked: boolean;
}

class AvitoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const TEXT_LIMIT = 1000;

/** Avito's error shape: `{"error":{"code","message"}}` with the HTTP status equal to `code`. */
function errorReply(status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): FakeReply {
  return { status, json: { error: { code: status, message, ...extra } }, headers };
}

export class FakeAvitoServer extends FakePlatformServer<FakeAvitoCall> {
  readonly sent: FakeAvitoSent[] = [];
  /** Chats marked read, as `<userId>:<chatId>` in call order. */
  readonly readMarks: string[] = [];
  private readonly accounts: FakeAvitoAccount[] = [];
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly chats = new Map<string, FakeAvitoChat>();
  /** Subscribed webhook URLs per user_id. */
  private readonly subscriptions = new Map<number, string[]>();
  private readonly voices = new Map<string, string>();
  private readonly files = new Map<string, { content: Buffer; contentType: string }>();
  private nextUserId = 90_000_001;
  private nextMessageNo = 1;

  constructor(private readonly options: FakeAvitoOptions = {}) {
    super(options);
    this.avitoRoute('POST', '/token', 'token', (req) => this.issueToken(req.params));
    this.avitoRoute('POST', '/token/', 'token', (req) => this.issueToken(req.params));
    this.avitoRoute('GET', '/core/v1/accounts/self', 'self', (req) => this.self(req));
    this.messengerRoute('POST', '/messenger/v1/subscriptions', 'subscriptions', (account) => ({ subscriptions: this.subscriptionsOf(account).map((u) => ({ url: u, version: '3' })) }));
    this.messengerRoute('POST', '/messenger/v3/webhook', 'subscribe', (account, req) => this.changeSubscription(account, 'subscribe', req.params.url));
    this.messengerRoute('POST', '/messenger/v1/webhook/unsubscribe', 'unsubscribe', (account, req) => this.changeSubscription(account, 'unsubscribe', req.params.url));
    this.messengerRoute('GET', '/messenger/v2/accounts/:userId/chats/:chatId', 'chatInfo', (account, req) => this.chatInfo(account, req.pathParams.chatId));
    this.messengerRoute('POST', '/messenger/v1/accounts/:userId/chats/:chatId/messages', 'sendText', (account, req) => this.sendText(account, req.pathParams.chatId, req.params));
    this.messengerRoute('POST', '/messenger/v1/accounts/:userId/chats/:chatId/read', 'markRead', (account, req) => {
      this.chatOf(account, req.pathParams.chatId);
      this.readMarks.push(`${account.userId}:${req.pathParams.chatId}`);
      return { ok: true };
    });
    this.route(
      'GET',
      '/files/*name',
      (req) => {
        const file = this.files.get(req.pathParams.name);
        return file ? { body: file.content, headers: { 'content-type': file.contentType } } : errorReply(404, 'Not found');
      },
      { name: 'file' },
    );
    this.messengerRoute('GET', '/messenger/v1/accounts/:userId/getVoiceFiles', 'voiceFiles', (_account, req) => {
      const ids = req.query.getAll('voice_ids');
      return { voices_urls: Object.fromEntries(ids.filter((id) => this.voices.has(id)).map((id) => [id, this.voices.get(id)])) };
    });
  }

  /** Starts a fake on 127.0.0.1 (a free port unless `options.port`). */
  static async start(options: FakeAvitoOptions = {}): Promise<FakeAvitoServer> {
    return new FakeAvitoServer(options).start();
  }

  // --- state ----------------------------------------------------------------------------------------------------------

  addAccount(options: Partial<FakeAvitoAccount> = {}): FakeAvitoAccount {
    const account: FakeAvitoAccount = {
      userId: options.userId ?? this.nextUserId++,
      name: options.name ?? 'Fake Avito seller',
      clientId: options.clientId ?? `fakeClient${randomBytes(6).toString('hex')}`,
      clientSecret: options.clientSecret ?? `fakeSecret${randomBytes(12).toString('hex')}`,
      messenger: options.messenger ?? true,
    };
    this.accounts.push(account);
    return account;
  }

  /** A chat of the account (its chat info); u2i with an item by default. */
  addChat(account: FakeAvitoAccount, chat: Partial<FakeAvitoChat> & { chatId: string }): FakeAvitoChat {
    const full: FakeAvitoChat = {
      chatType: chat.item ? 'u2i' : chat.chatType ?? 'u2u',
      client: { id: 70_000_001 + this.chats.size, name: 'Покупатель' },
      ...chat,
    };
    this.chats.set(`${account.userId}:${chat.chatId}`, full);
    return full;
  }

  /** A voice message (opus in mp4) getVoiceFiles reports, served from the fake; returns its file URL. */
  addVoice(voiceId: string, content: Buffer = Buffer.from(`fake opus ${voiceId}`)): string {
    const url = this.addFile(`voice/${voiceId}.mp4`, content, 'audio/mp4');
    this.voices.set(voiceId, url);
    return url;
  }

  /** A file served at `<baseUrl>/files/<name>` (an image's size URL, a voice file); returns its URL. */
  addFile(name: string, content: Buffer, contentType = 'image/jpeg'): string {
    this.files.set(name, { content, contentType });
    return `${this.baseUrl}/files/${name}`;
  }

  subscriptionsOf(account: FakeAvitoAccount): string[] {
    return [...(this.subscriptions.get(account.userId) ?? [])];
  }

  /** Removes a subscription behind the connector's back (Avito dropped it). */
  dropSubscription(account: FakeAvitoAccount, url: string): void {
    this.subscriptions.set(account.userId, this.subscriptionsOf(account).filter((u) => u !== url));
  }

  /** Every token issued so far for the account answers 401 from now on (expired before its `expires_in`). */
  expireTokens(account: FakeAvitoAccount): void {
    for (const t of this.tokens.values()) if (t.account === account) t.revoked = true;
  }

  /** The credentials stop working (`/token` refuses them). */
  revokeCredentials(account: FakeAvitoAccount): void {
    account.clientSecret = `revoked-${randomBytes(8).toString('hex')}`;
    this.expireTokens(account);
  }

  /**
   * The next `times` calls of `route` fail: Avito's own failures (rate-limit with Retry-After, 401, 402, 5xx) in its
   * error shape, or the base's (`reply`, `drop-connection`, `delay`).
   */
  override failNext(route: string, failure: FakeFailure | FakeAvitoFailure, options: FakeFailOptions | number = {}): void {
    const opts = typeof options === 'number' ? { times: options } : options;
    const kind = failure.kind;
    if (kind === 'reply' || kind === 'drop-connection' || kind === 'delay') return super.failNext(route, failure as FakeFailure, opts);
    super.failNext(route, { kind: 'reply', reply: failureReply(failure as Exclude<FakeAvitoFailure, { kind: 'drop-connection' } | { kind: 'delay' }>) }, opts);
  }

  // --- webhooks -------------------------------------------------------------------------------------------------------
  /** A v3 webhook body of a message in one of the account's chats, as Avito sends it. */
  webhookOf(
    account: FakeAvitoAccount,
    message: { chatId: string; type: string; content?: Record<string, unknown>; id?: string; authorId?: number; created?: number; chatType?: string; itemId?: number },
  ): Record<string, unknown> {
    const chat = this.chats.get(`${account.userId}:${message.chatId}`);
    const created = message.created ?? Math.floor(Date.now() / 1000);
    const id = message.id ?? `msg${Date.now().toString(36)}${(this.nextMessageNo++).toString(36)}`;
    const itemId = message.itemId ?? chat?.item?.id;
    return {
      id: randomBytes(16).toString('hex'),
      version: 'v3.0.0',
      timestamp: created,
      payload: {
        type: 'message',
        value: {
          id,
          chat_id: message.chatId,
          user_id: account.userId,
          author_id: message.authorId ?? chat?.client.id ?? 70_000_000,
          created,
          type: message.type,
          chat_type: message.chatType ?? chat?.chatType ?? 'u2u',
          content: message.content ?? {},
          item_id: itemId ?? null,
          published_at: new Date(created * 1000).toISOString(),
          read: null,
        },
      },
    };
  }

  /** POSTs a webhook body to `url` as Avito would (JSON): the status, how long the answer took, and its text. */
  async post(url: string, body: unknown): Promise<{ status: number; ms: number; text: string }> {
    const started = performance.now();
    const res = await this.deliver(url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, ms: performance.now() - started, text: res.body };
  }

  // --- the base's hooks -----------------------------------------------------------------------------------------------

  protected override describeCall(req: FakeRequest, name: string): Partial<FakeAvitoCall> {
    const authorization = req.headers.authorization;
    const token = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const body = { ...req.params };
    if (typeof body.client_secret === 'string') body.client_secret = '***';
    return { route: (ROUTE_NAMES.has(name) ? name : 'unknown') as FakeAvitoRoute, ...(token ? { token } : {}), body };
  }

  protected override notFoundReply(): FakeReply {
    return errorReply(404, 'Not found');
  }

  protected override badBodyReply(): FakeReply {
    return errorReply(400, 'Bad Request');
  }

  // --- routes ---------------------------------------------------------------------------------------------------------

  private avitoRoute(method: string, pattern: string, name: FakeAvitoRoute, handler: (req: FakeRequest) => unknown): void {
    this.route(
      method,
      pattern,
      async (req) => {
        try {
          return { json: await handler(req) };
        } catch (err) {
          if (err instanceof AvitoError) return errorReply(err.status, err.message, err.extra, err.headers);
          throw err;
        }
      },
      { name },
    );
  }

  /** A Messenger call: a valid token, the Messenger plan, and the token's own user_id in the path. */
  private messengerRoute(method: string, pattern: string, name: FakeAvitoRoute, handler: (account: FakeAvitoAccount, req: FakeRequest) => unknown): void {
    this.avitoRoute(method, pattern, name, (req) => {
      const account = this.authenticate(req);
      if (!account.messenger) throw new AvitoError(402, 'Payment required');
      if (req.pathParams.userId !== undefined && Number(req.pathParams.userId) !== account.userId) throw new AvitoError(403, 'Forbidden');
      return handler(account, req);
    });
  }

  private self(req: FakeRequest): unknown {
    const account = this.authenticate(req);
    return { id: account.userId, name: account.name, email: `${account.userId}@example.com`, phone: '79990000000', phones: [], profile_url: `https://avito.ru/user/${account.userId}` };
  }

  private issueToken(form: Record<string, unknown>): unknown {
    if (form.grant_type !== 'client_credentials') throw new AvitoError(400, 'unsupported grant_type');
    const account = this.accounts.find((a) => a.clientId === form.client_id && a.clientSecret === form.client_secret);
    if (!account) throw new AvitoError(401, 'invalid client');
    const ttl = this.options.tokenTtlSeconds ?? 86_400;
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, { account, expiresAt: Date.now() + ttl * 1000, revoked: false });
    return { access_token: accessToken, expires_in: ttl, token_type: 'Bearer' };
  }

  private authenticate(req: FakeRequest): FakeAvitoAccount {
    const authorization = req.headers.authorization;
    const token = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || issued.revoked || issued.expiresAt <= Date.now()) throw new AvitoError(401, 'Unauthorized');
    return issued.account;
  }

  private changeSubscription(account: FakeAvitoAccount, route: 'subscribe' | 'unsubscribe', url: unknown): unknown {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new AvitoError(400, 'Validation error', { fields: { url: 'must be a URL' } });
    const list = this.subscriptionsOf(account).filter((u) => u !== url);
    this.subscriptions.set(account.userId, route === 'subscribe' ? [...list, url] : list);
    return { ok: true };
  }

  private chatOf(account: FakeAvitoAccount, chatId: string): FakeAvitoChat {
    const chat = this.chats.get(`${account.userId}:${chatId}`);
    if (!chat) throw new AvitoError(404, 'Chat not found');
    return chat;
  }

  private async chatInfo(account: FakeAvitoAccount, chatId: string): Promise<unknown> {
    const chat = this.chatOf(account, chatId);
    if (chat.infoDelayMs) await sleep(chat.infoDelayMs);
    const now = Math.floor(Date.now() / 1000);
    return {
      id: chat.chatId,
      created: now,
      updated: now,
      context: chat.item
        ? {
            type: 'item',
            value: {
              id: chat.item.id,
              title: chat.item.title,
              url: chat.item.url ?? `https://www.avito.ru/items/${chat.item.id}`,
              price_string: chat.item.price ?? '1 000 ₽',
              status_id: 1,
              user_id: account.userId,
              images: { main: { '140x105': `https://img.example/${chat.item.id}.jpg` }, count: 1 },
            },
          }
        : null,
      users: [
        { id: account.userId, name: account.name, public_user_profile: { user_id: account.userId, url: `https://avito.ru/user/${account.userId}` } },
        { id: chat.client.id, name: chat.client.name, public_user_profile: { user_id: chat.client.id, url: `https://avito.ru/user/${chat.client.id}` } },
      ],
      last_message: null,
    };
  }

  private sendText(account: FakeAvitoAccount, chatId: string, body: Record<string, unknown>): unknown {
    this.chatOf(account, chatId);
    const text = (body.message as { text?: unknown } | undefined)?.text;
    if (body.type !== 'text' || typeof text !== 'string' || text.length === 0) {
      throw new AvitoError(400, 'Validation error', { fields: { 'message.text': 'required' } });
    }
    if (text.length > TEXT_LIMIT) throw new AvitoError(400, 'Validation error', { fields: { 'message.text': `must be at most ${TEXT_LIMIT} characters` } });
    const sent: FakeAvitoSent = { id: `out${(this.nextMessageNo++).toString(36)}${randomBytes(4).toString('hex')}`, userId: account.userId, chatId, text, at: new Date() };
    this.sent.push(sent);
    return { id: sent.id, created: Math.floor(sent.at.getTime() / 1000), direction: 'out', type: 'text', content: { text } };
  }
}

function failureReply(failure: Exclude<FakeAvitoFailure, { kind: 'drop-connection' } | { kind: 'delay' }>): FakeReply {
  switch (failure.kind) {
    case 'rate-limit':
      return errorReply(429, 'Too Many Requests', {}, { 'retry-after': String(failure.retryAfterSeconds ?? 1) });
    case 'unauthorized':
      return errorReply(401, 'Unauthorized');
    case 'payment-required':
      return errorReply(402, 'Payment required');
    default:
      return errorReply(failure.status ?? 500, 'Internal Server Error');
  }
}

const ROUTE_NAMES = new Set<string>(['token', 'self', 'subscriptions', 'subscribe', 'unsubscribe', 'chatInfo', 'sendText', 'markRead', 'voiceFiles', 'file']);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
