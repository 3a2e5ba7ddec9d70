// A local stand-in for the Telegram Bot API (PLATFORMS.md §1) for tests of the api (token checks) and of the Telegram
// connector (webhook registration, updates, sending, files), built on FakePlatformServer (routing, recording,
// failures, outages, multipart). One instance per test file. See README.md beside this file for a tour.
//
//   const tg = await FakeTelegramServer.start();            // 127.0.0.1:<free port>
//   const bot = tg.addBot({ username: 'shop_bot' });         // a valid token the server knows
//   process.env.TELEGRAM_API_ROOT = tg.apiRoot;              // http://127.0.0.1:<port>  (no trailing slash)
//   tg.failNext('getMe', { kind: 'server-error' });          // the next getMe answers 500
//   await tg.stop(); … await tg.restart();                   // "Telegram is down", then back on the same port
//   tg.callsOf('sendMessage')                                // [{ method, token, params, … }]
//
// Contract kept (PLATFORMS.md §1): URL `/bot<token>/<method>` with case-insensitive method names, GET or POST with
// query, JSON, form-urlencoded or multipart parameters; every answer is `{ok:true,result}` or
// `{ok:false,error_code,description,parameters?}` with the HTTP status equal to error_code; a well-formed token the
// server does not know → 401 "Unauthorized"; a malformed token (no `<digits>:`) or an unknown method → 404 "Not Found";
// files download from `/file/bot<token>/<file_path>`.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { type FakeCall, type FakeFailOptions, type FakeFailure, FakePlatformServer, type FakeReply, type FakeRequest } from '../fake-platform.server';

/** A bot the fake knows: requests with its token succeed. */
export interface FakeBot {
  id: number;
  token: string;
  username: string;
  firstName: string;
}

/** What setWebhook stored for a bot (getWebhookInfo reports it). */
export interface FakeWebhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
  ipAddress?: string;
  dropPendingUpdates?: boolean;
  /** The last failed delivery (non-2xx answer or connection error), reported by getWebhookInfo like Telegram does. */
  lastError?: { date: number; message: string };
}

/** One request the server received, in arrival order (also the failed and the refused ones). */
export interface RecordedCall extends FakeCall {
  /** Canonical method name (`getMe`, `sendMessage`…) or the name as sent when the method is unknown. */
  method: string;
  /** The token from the URL, as sent. */
  token: string;
  /** Parameters merged from the query string and the body (JSON values of form fields are parsed). */
  params: Record<string, unknown>;
}

/** A programmed failure for the next call(s) of a method (see failNext); the base's generic failures work too. */
export type FakeTelegramFailure =
  | FakeFailure
  /** 429 `Too Many Requests: retry after N` with `parameters.retry_after` (flood control). */
  | { kind: 'rate-limit'; retryAfter?: number }
  /** 403 `Forbidden: bot was blocked by the user`. */
  | { kind: 'blocked' }
  /** 400 `Bad Request: chat not found`. */
  | { kind: 'chat-not-found' }
  /** 401 `Unauthorized` (e.g. the token was revoked in @BotFather). */
  | { kind: 'unauthorized' }
  /** A 5xx: JSON envelope by default, or an HTML page (`html: true`) as a proxy in front of Telegram would send. */
  | { kind: 'server-error'; status?: number; html?: boolean }
  /** Any Bot API error: `{ok:false,error_code,description,parameters}` with that HTTP status. */
  | { kind: 'error'; errorCode: number; description: string; parameters?: Record<string, unknown> };

export interface FakeTelegramOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /**
   * Apply Telegram's production webhook rules in setWebhook: HTTPS only, ports 443/80/88/8443. Off by default so a
   * connector under test can register its local http:// URL.
   */
  strictWebhookUrls?: boolean;
}

interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  content: Buffer;
  token: string;
}

interface SentMessage {
  chatKey: string;
  message: Record<string, unknown>;
}

interface BotState extends FakeBot {
  webhook?: FakeWebhook;
  updates: Array<Record<string, unknown> & { update_id: number }>;
  nextUpdateId: number;
  nextMessageId: number;
  sent: Map<string, SentMessage>;
  poller?: { answer: (reply: FakeReply) => void; timer: NodeJS.Timeout };
}

class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const METHODS = [
  'getMe',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'getUpdates',
  'sendMessage',
  'sendPhoto',
  'sendDocument',
  'sendChatAction',
  'editMessageText',
  'deleteMessage',
  'getFile',
  'logOut',
  'close',
] as const;
type Method = (typeof METHODS)[number];
const CANONICAL = new Map<string, Method>(METHODS.map((m) => [m.toLowerCase(), m]));

/** `<digits>:<rest>`: what Telegram treats as a token at all; anything else is 404 Not Found. */
const WELL_FORMED_TOKEN = /^\d+:[A-Za-z0-9_-]+$/;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const WEBHOOK_PORTS = new Set(['443', '80', '88', '8443']);
const DOWNLOAD_LIMIT = 20 * 1024 * 1024;
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** Makes a token in @BotFather's format for a bot id. */
export function fakeBotToken(botId: number): string {
  return `${botId}:AA${randomBytes(32).toString('base64url').slice(0, 33)}`;
}

export class FakeTelegramServer extends FakePlatformServer<RecordedCall> {
  private readonly bots = new Map<string, BotState>();
  private readonly files = new Map<string, StoredFile>();
  private nextBotId = 7_000_000_001;
  private nextFileNo = 1;

  private constructor(private readonly options: FakeTelegramOptions) {
    super({ port: options.port });
    this.route('*', '/file/bot:token/*filePath', (req) => this.download(req), { name: 'file' });
    this.route('*', '/bot:token/:method', (req) => this.botApi(req), { name: (req) => CANONICAL.get(req.pathParams.method.toLowerCase()) ?? req.pathParams.method });
  }

  /** Starts a fake on 127.0.0.1 (a free port unless `options.port`). */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegramServer> {
    return new FakeTelegramServer(options).start();
  }

  /** TELEGRAM_API_ROOT for clients: `http://127.0.0.1:<port>` (no trailing slash, as grammY requires). */
  get apiRoot(): string {
    return this.baseUrl;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Bots, chats, updates and files

  /** Registers a bot; its token (generated unless given) is valid from now on. */
  addBot(options: { id?: number; token?: string; username?: string; firstName?: string } = {}): FakeBot {
    const id = options.id ?? (options.token ? Number(options.token.split(':')[0]) : this.nextBotId++);
    const token = options.token ?? fakeBotToken(id);
    const bot: BotState = {
      id,
      token,
      username: options.username ?? `fake_${id}_bot`,
      firstName: options.firstName ?? 'Fake bot',
      updates: [],
      nextUpdateId: 100_000_001,
      nextMessageId: 1,
      sent: new Map(),
    };
    this.bots.set(token, bot);
    return { id, token, username: bot.username, firstName: bot.firstName };
  }

  /** Makes a token invalid (as "revoke" in @BotFather does): later calls with it answer 401. */
  revokeToken(token: string): void {
    this.bots.delete(token);
  }

  /** The webhook a bot registered (undefined when none). */
  webhookOf(token: string): FakeWebhook | undefined {
    return this.bots.get(token)?.webhook;
  }

  /** Messages the bot sent (sendMessage/sendPhoto/sendDocument, after edits), oldest first. */
  sentMessages(token: string): Array<Record<string, unknown>> {
    return [...(this.bots.get(token)?.sent.values() ?? [])].map((s) => s.message);
  }

  /**
   * Queues an update for getUpdates (an `update_id` is assigned: increasing per bot). Returns the full update.
   * To have Telegram POST it to the registered webhook instead, use deliverUpdate.
   */
  pushUpdate(token: string, update: Record<string, unknown>): Record<string, unknown> & { update_id: number } {
    const bot = this.requireBot(token);
    const full = { ...update, update_id: bot.nextUpdateId++ };
    bot.updates.push(full);
    if (bot.poller) this.answerPoll(bot, 100);
    return full;
  }

  /**
   * POSTs an update to the bot's webhook like Telegram does (JSON body, `X-Telegram-Bot-Api-Secret-Token` when a
   * secret_token was set) and returns what the webhook answered. A non-2xx answer is Telegram's cue to re-deliver:
   * call deliverUpdate again with the returned update to simulate that (getWebhookInfo then reports the error).
   */
  async deliverUpdate(
    token: string,
    update: Record<string, unknown>,
    options: { secretToken?: string | null } = {},
  ): Promise<{ status: number; body: string; update: Record<string, unknown> & { update_id: number } }> {
    const bot = this.requireBot(token);
    if (!bot.webhook) throw new Error('deliverUpdate: the bot has no webhook (call setWebhook first)');
    const full = (typeof update.update_id === 'number' ? update : { ...update, update_id: bot.nextUpdateId++ }) as Record<string, unknown> & { update_id: number };
    const secret = options.secretToken === undefined ? bot.webhook.secretToken : options.secretToken ?? undefined;
    try {
      const answer = await this.deliver(bot.webhook.url, {
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        body: JSON.stringify(full),
      });
      if ((answer.status < 200 || answer.status > 299) && bot.webhook) {
        bot.webhook.lastError = { date: now(), message: `Wrong response from the webhook: ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim() };
      }
      return { status: answer.status, body: answer.body, update: full };
    } catch (err) {
      if (bot.webhook) bot.webhook.lastError = { date: now(), message: 'Connection refused' };
      throw err;
    }
  }

  /** A `message` update with a text, from a private chat (a convenience for pushUpdate / deliverUpdate). */
  static textUpdate(options: { chatId: number; text: string; messageId?: number; from?: Record<string, unknown>; date?: number }): Record<string, unknown> {
    const from = options.from ?? { id: options.chatId, is_bot: false, first_name: 'Иван', username: 'ivan' };
    return {
      message: {
        message_id: options.messageId ?? 1,
        from,
        chat: { id: options.chatId, type: 'private', first_name: from.first_name, ...(from.username ? { username: from.username } : {}) },
        date: options.date ?? Math.floor(Date.now() / 1000),
        text: options.text,
      },
    };
  }

  /** Stores a file the bot can fetch with getFile + download. Returns the Telegram `File`. */
  addFile(token: string, content: Buffer | string, options: { fileName?: string } = {}): { file_id: string; file_unique_id: string; file_size: number; file_path: string } {
    this.requireBot(token);
    const stored = this.storeFile(token, Buffer.from(content), options.fileName ?? 'file.bin');
    return { file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_size: stored.content.length, file_path: stored.filePath };
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Failures and observation

  /**
   * The next `times` calls (default 1) of `method` (case-insensitive; '*' = any method), optionally only with `token`,
   * fail as described. Rules are consumed in the order they were added. Only well-formed Bot API calls of known
   * methods consume them (a malformed token or an unknown method is answered 404 as usual).
   */
  override failNext(method: string, failure: FakeTelegramFailure, options: FakeFailOptions & { token?: string } = {}): void {
    const where = (req: FakeRequest) =>
      WELL_FORMED_TOKEN.test(req.pathParams.token ?? '') && CANONICAL.has((req.pathParams.method ?? '').toLowerCase()) && (options.token === undefined || req.pathParams.token === options.token) && (!options.where || options.where(req));
    super.failNext(method, toFakeFailure(failure), { times: options.times, where });
  }

  /** Recorded calls of one method (case-insensitive), optionally of one token. */
  override callsOf(method: string, token?: string | ((call: RecordedCall) => boolean)): RecordedCall[] {
    return super.callsOf(method, typeof token === 'function' ? token : (c) => token === undefined || c.token === token);
  }

  protected override describeCall(req: FakeRequest, name: string): Partial<RecordedCall> {
    return { method: name, token: req.pathParams.token ?? '' };
  }

  protected override notFoundReply(): FakeReply {
    return apiError(404, 'Not Found');
  }

  protected override badBodyReply(): FakeReply {
    return apiError(400, 'Bad Request: invalid request body');
  }

  /** grammY sends InputFile parts as `attach://<field>` references; unreferenced file parts are parameters too. */
  protected override prepare(req: FakeRequest): void {
    for (const [k, v] of Object.entries(req.params)) {
      const file = typeof v === 'string' && v.startsWith('attach://') ? req.files.get(v.slice(9)) : undefined;
      if (file) req.params[k] = new UploadedFile(file.fileName, file.content);
    }
    for (const [k, f] of req.files) if (!(k in req.params)) req.params[k] = new UploadedFile(f.fileName, f.content);
  }

  /** Answers a pending long poll with nothing when Telegram "goes down". */
  protected override onStop(): void {
    for (const bot of this.bots.values()) if (bot.poller) this.answerPoll(bot, 0);
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Methods

  private botApi(req: FakeRequest): FakeReply | Promise<FakeReply> {
    const token = req.pathParams.token;
    const method = CANONICAL.get(req.pathParams.method.toLowerCase());
    if (!WELL_FORMED_TOKEN.test(token) || !method) return apiError(404, 'Not Found');
    const bot = this.bots.get(token);
    if (!bot) return apiError(401, 'Unauthorized');
    if (method === 'getUpdates') return this.getUpdates(bot, req);
    try {
      return { status: 200, json: { ok: true, result: this.call(bot, method, req.params) } };
    } catch (err) {
      if (!(err instanceof BotApiError)) throw err;
      return apiError(err.errorCode, err.description, err.parameters);
    }
  }

  private call(bot: BotState, method: Exclude<Method, 'getUpdates'>, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe':
        return {
          id: bot.id,
          is_bot: true,
          first_name: bot.firstName,
          username: bot.username,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        };
      case 'setWebhook':
        return this.setWebhook(bot, p);
      case 'deleteWebhook':
        bot.webhook = undefined;
        if (isTrue(p.drop_pending_updates)) bot.updates = [];
        return true;
      case 'getWebhookInfo':
        return {
          url: bot.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: bot.updates.length,
          ...(bot.webhook
            ? {
                max_connections: bot.webhook.maxConnections,
                ...(bot.webhook.lastError ? { last_error_date: bot.webhook.lastError.date, last_error_message: bot.webhook.lastError.message } : {}),
                ...(bot.webhook.ipAddress ? { ip_address: bot.webhook.ipAddress } : {}),
                ...(bot.webhook.allowedUpdates ? { allowed_updates: bot.webhook.allowedUpdates } : {}),
              }
            : {}),
        };
      case 'sendMessage': {
        const text = requireString(p, 'text', 'message text is empty');
        if (text.length > MAX_TEXT) throw new BotApiError(400, 'Bad Request: message is too long');
        return this.send(bot, p, { text });
      }
      case 'sendPhoto': {
        const caption = optionalCaption(p);
        const photo = this.inputFile(bot, p.photo, 'photo', 'photo.jpg');
        return this.send(bot, p, {
          photo: [{ file_id: photo.fileId, file_unique_id: photo.fileUniqueId, width: 1280, height: 960, file_size: photo.content.length }],
          ...(caption ? { caption } : {}),
        });
      }
      case 'sendDocument': {
        const caption = optionalCaption(p);
        const document = this.inputFile(bot, p.document, 'document', 'document.bin');
        return this.send(bot, p, {
          document: { file_id: document.fileId, file_unique_id: document.fileUniqueId, file_name: document.filePath.split('/').pop(), file_size: document.content.length },
          ...(caption ? { caption } : {}),
        });
      }
      case 'sendChatAction':
        requireChatId(p);
        requireString(p, 'action', 'action is empty');
        return true;
      case 'editMessageText': {
        const key = `${requireChatId(p)}:${String(p.message_id ?? '')}`;
        const sent = bot.sent.get(key);
        if (!sent) throw new BotApiError(400, 'Bad Request: message to edit not found');
        const text = requireString(p, 'text', 'message text is empty');
        if (sent.message.text === text) {
          throw new BotApiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        }
        sent.message = { ...sent.message, text, edit_date: now() };
        return sent.message;
      }
      case 'deleteMessage': {
        const key = `${requireChatId(p)}:${String(p.message_id ?? '')}`;
        if (!bot.sent.delete(key)) throw new BotApiError(400, 'Bad Request: message to delete not found');
        return true;
      }
      case 'getFile': {
        const fileId = requireString(p, 'file_id', 'file_id is empty');
        const stored = this.files.get(fileId);
        if (!stored || stored.token !== bot.token) throw new BotApiError(400, 'Bad Request: invalid file_id');
        if (stored.content.length > DOWNLOAD_LIMIT) throw new BotApiError(400, 'Bad Request: file is too big');
        return { file_id: stored.fileId, file_unique_id: stored.fileUniqueId, file_size: stored.content.length, file_path: stored.filePath };
      }
      case 'logOut':
      case 'close':
        return true;
    }
  }

  private setWebhook(bot: BotState, p: Record<string, unknown>): true {
    if (p.url === undefined) throw new BotApiError(400, 'Bad Request: parameter "url" is required');
    const url = String(p.url);
    if (url === '') {
      bot.webhook = undefined;
      return true;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BotApiError(400, 'Bad Request: bad webhook: invalid URL');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new BotApiError(400, 'Bad Request: bad webhook: invalid URL');
    if (this.options.strictWebhookUrls) {
      if (parsed.protocol !== 'https:') throw new BotApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      if (!WEBHOOK_PORTS.has(parsed.port || '443')) throw new BotApiError(400, 'Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    }
    let secretToken: string | undefined;
    if (p.secret_token !== undefined) {
      secretToken = String(p.secret_token);
      if (!SECRET_TOKEN.test(secretToken)) {
        throw new BotApiError(400, secretToken.length > 256 ? 'Bad Request: secret token is too long' : 'Bad Request: secret token contains unallowed characters');
      }
    }
    const maxConnections = p.max_connections === undefined ? 40 : Number(p.max_connections);
    if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 100) {
      throw new BotApiError(400, 'Bad Request: max_connections must be between 1 and 100');
    }
    let allowedUpdates = bot.webhook?.allowedUpdates;
    if (p.allowed_updates !== undefined) {
      if (!Array.isArray(p.allowed_updates) || !p.allowed_updates.every((u) => typeof u === 'string')) {
        throw new BotApiError(400, 'Bad Request: can\'t parse allowed updates: array of strings expected');
      }
      allowedUpdates = p.allowed_updates as string[];
    }
    if (isTrue(p.drop_pending_updates)) bot.updates = [];
    bot.webhook = {
      url,
      ...(secretToken ? { secretToken } : {}),
      maxConnections,
      ...(allowedUpdates ? { allowedUpdates } : {}),
      ...(p.ip_address !== undefined ? { ipAddress: String(p.ip_address) } : {}),
      ...(p.drop_pending_updates !== undefined ? { dropPendingUpdates: isTrue(p.drop_pending_updates) } : {}),
    };
    return true;
  }

  private getUpdates(bot: BotState, req: FakeRequest): FakeReply | Promise<FakeReply> {
    const p = req.params;
    if (bot.webhook) return apiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    if (p.offset !== undefined) {
      const offset = Number(p.offset);
      if (Number.isFinite(offset)) bot.updates = bot.updates.filter((u) => u.update_id >= offset);
    }
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100) || 100));
    const timeoutSeconds = Math.min(50, Math.max(0, Number(p.timeout ?? 0) || 0));
    // A newer long poll terminates the older one, as on the real server.
    if (bot.poller) {
      const old = bot.poller;
      bot.poller = undefined;
      clearTimeout(old.timer);
      old.answer(apiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    if (bot.updates.length > 0 || timeoutSeconds === 0) return { status: 200, json: { ok: true, result: bot.updates.slice(0, limit) } };
    return new Promise<FakeReply>((answer) => {
      const timer = setTimeout(() => this.answerPoll(bot, limit), timeoutSeconds * 1000);
      bot.poller = { answer, timer };
      // The client went away: the poll ends (recorded as 499, client closed request).
      req.signal.addEventListener('abort', () => {
        if (bot.poller?.answer !== answer) return;
        clearTimeout(timer);
        bot.poller = undefined;
        answer({ status: 499 });
      }, { once: true });
    });
  }

  /** Answers the pending long poll with up to `limit` queued updates (0: an empty result, e.g. when stopping). */
  private answerPoll(bot: BotState, limit: number): void {
    const poller = bot.poller;
    if (!poller) return;
    bot.poller = undefined;
    clearTimeout(poller.timer);
    poller.answer({ status: 200, json: { ok: true, result: bot.updates.slice(0, limit) } });
  }

  private send(bot: BotState, p: Record<string, unknown>, content: Record<string, unknown>): Record<string, unknown> {
    const chatId = requireChatId(p);
    const numeric = /^-?\d+$/.test(chatId) ? Number(chatId) : undefined;
    const messageId = bot.nextMessageId++;
    const message: Record<string, unknown> = {
      message_id: messageId,
      from: { id: bot.id, is_bot: true, first_name: bot.firstName, username: bot.username },
      chat: numeric !== undefined && numeric < 0 ? { id: numeric, type: 'supergroup', title: 'Group' } : { id: numeric ?? chatId, type: 'private', first_name: 'Клиент' },
      date: now(),
      ...content,
    };
    const reply = p.reply_parameters as { message_id?: unknown } | undefined;
    if (reply && typeof reply === 'object' && reply.message_id !== undefined) {
      message.reply_to_message = { message_id: Number(reply.message_id), chat: message.chat, date: now() };
    }
    bot.sent.set(`${chatId}:${messageId}`, { chatKey: chatId, message });
    return message;
  }

  /** A file given to sendPhoto/sendDocument: an uploaded part, an existing file_id, or a URL to "fetch". */
  private inputFile(bot: BotState, value: unknown, name: string, defaultName: string): StoredFile {
    if (value instanceof UploadedFile) return this.storeFile(bot.token, value.content, value.name || defaultName);
    if (typeof value !== 'string' || value === '') throw new BotApiError(400, `Bad Request: there is no ${name} in the request`);
    const existing = this.files.get(value);
    if (existing) return existing;
    if (/^https?:\/\//.test(value)) return this.storeFile(bot.token, Buffer.from(`fetched from ${value}`), value.split('/').pop() || defaultName);
    throw new BotApiError(400, 'Bad Request: wrong remote file identifier specified: Wrong string length');
  }

  private storeFile(token: string, content: Buffer, fileName: string): StoredFile {
    const no = this.nextFileNo++;
    const stored: StoredFile = {
      fileId: `BQACAgIAAxkBAAI${no.toString().padStart(6, '0')}${randomBytes(12).toString('base64url')}`,
      fileUniqueId: `AgAD${no.toString().padStart(6, '0')}`,
      filePath: `documents/file_${no}_${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}`,
      content,
      token,
    };
    this.files.set(stored.fileId, stored);
    return stored;
  }

  private download(req: FakeRequest): FakeReply {
    const token = req.pathParams.token;
    const filePath = req.pathParams.filePath;
    req.params.file_path = filePath;
    const stored = [...this.files.values()].find((f) => f.filePath === filePath && f.token === token);
    if (!stored || !this.bots.has(token)) return apiError(404, 'Not Found');
    return { status: 200, body: stored.content };
  }

  private requireBot(token: string): BotState {
    const bot = this.bots.get(token);
    if (!bot) throw new Error('unknown bot token (call addBot first)');
    return bot;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Request helpers

/** A file part of a multipart request (grammY's InputFile upload). */
class UploadedFile {
  constructor(
    readonly name: string,
    readonly content: Buffer,
  ) {}
}

/** The Bot API error envelope with the HTTP status equal to error_code. */
function apiError(errorCode: number, description: string, parameters?: Record<string, unknown>): FakeReply {
  return { status: errorCode, json: { ok: false, error_code: errorCode, description, ...(parameters ? { parameters } : {}) } };
}

/** A Telegram-shaped failure → the base's failure. */
function toFakeFailure(failure: FakeTelegramFailure): FakeFailure {
  switch (failure.kind) {
    case 'rate-limit': {
      const retryAfter = failure.retryAfter ?? 1;
      return { kind: 'reply', reply: apiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter }) };
    }
    case 'blocked':
      return { kind: 'reply', reply: apiError(403, 'Forbidden: bot was blocked by the user') };
    case 'chat-not-found':
      return { kind: 'reply', reply: apiError(400, 'Bad Request: chat not found') };
    case 'unauthorized':
      return { kind: 'reply', reply: apiError(401, 'Unauthorized') };
    case 'server-error': {
      const status = failure.status ?? 500;
      if (failure.html) return { kind: 'reply', reply: { status, body: Buffer.from(`<html><body><h1>${status}</h1></body></html>`), headers: { 'content-type': 'text/html' } } };
      return { kind: 'reply', reply: apiError(status, status === 502 ? 'Bad Gateway' : 'Internal Server Error') };
    }
    case 'error':
      return { kind: 'reply', reply: apiError(failure.errorCode, failure.description, failure.parameters) };
    default:
      return failure;
  }
}

function requireString(p: Record<string, unknown>, name: string, emptyMessage: string): string {
  const value = p[name];
  if (value === undefined || value === null || String(value) === '') throw new BotApiError(400, `Bad Request: ${emptyMessage}`);
  return String(value);
}

function requireChatId(p: Record<string, unknown>): string {
  return requireString(p, 'chat_id', 'chat_id is empty');
}

function optionalCaption(p: Record<string, unknown>): string | undefined {
  if (p.caption === undefined) return undefined;
  const caption = String(p.caption);
  if (caption.length > MAX_CAPTION) throw new BotApiError(400, 'Bad Request: message caption is too long');
  return caption;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
