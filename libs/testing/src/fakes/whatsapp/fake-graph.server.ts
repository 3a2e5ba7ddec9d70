// A local stand-in for the WhatsApp Business Cloud API (Meta Graph API, PLATFORMS.md §2) for tests of the api
// (credential check, templates, media) and of the WhatsApp connector (sending, mark-read, webhooks), on the shared
// FakePlatformServer base (routing, call recording, failures, outages).
//
//   const graph = await FakeGraphServer.start();                   // 127.0.0.1:<free port>
//   const number = graph.addNumber({ wabaId: '102290129340398' });  // a phone number id + a token that can use it
//   process.env.WHATSAPP_GRAPH_URL = graph.baseUrl;                 // http://127.0.0.1:<port>
//   graph.customerWrote(number.phoneNumberId, '79161234567');       // opens the 24-hour window for that user
//   graph.failNext('messages', { kind: 'graph-error', code: 130429 });
//   graph.sent(number.phoneNumberId)                                // what went out, with the wamid it got
//   await graph.deliverWebhook(callbackUrl, FakeGraphServer.webhook(number, { messages: [...] }), number.appSecret);
//
// Contract kept: `/{version}/{node}[/{edge}]` with `Authorization: Bearer <token>`; errors are
// `{"error":{message,type,code,error_data?,fbtrace_id}}` — bad/missing token → 401 code 190; an id the token cannot see
// → 400 code 100 (subcode 33); free-form outside the 24-hour window → 400 code 131047; unknown template → 404 code
// 132001, an unapproved one → 400 132015; media URLs are valid 5 minutes and need the same Bearer header.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { type FakeCall, type FakeFailOptions, type FakeFailure, FakePlatformServer, type FakeReply, type FakeRequest } from '../fake-platform.server';

export interface FakeWaNumber {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
}

export interface FakeWaTemplate {
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED';
  category: string;
  components: unknown[];
}

/** A message a number sent (POST /{phone-number-id}/messages, accepted). */
export interface FakeWaSent {
  wamid: string;
  /** `to` (with the `+`) or `recipient` (BSUID) as sent. */
  to: string;
  body: Record<string, unknown>;
  at: Date;
}

/** A recorded call; `name` is `phone-number`, `messages`, `mark-read`, `media`, `media-download` or `templates`. */
export interface FakeGraphCall extends FakeCall {
  /** The Bearer token sent, if any. */
  token: string | undefined;
}

/** Graph-specific failures, on top of the base's (`reply`, `drop-connection`, `delay`). */
export type FakeGraphFailure =
  | FakeFailure
  /** A Graph error body with this code (HTTP 400 unless `status`; 190 → 401); e.g. 130429, 131056, 131047. */
  | { kind: 'graph-error'; code: number; status?: number; message?: string; retryAfterSeconds?: number; isTransient?: boolean }
  /** A 5xx: a Graph JSON body (is_transient) by default, or an HTML page as a proxy would send. */
  | { kind: 'server-error'; status?: number; html?: boolean };

interface StoredMedia {
  id: string;
  content: Buffer;
  mimeType: string;
  phoneNumberId: string;
  urlKey: string;
  urlIssuedAt?: number;
}

interface NumberState extends FakeWaNumber {
  sent: FakeWaSent[];
  readMarks: string[];
  /** Last inbound message time per recipient (wa_id digits or BSUID), ms. */
  lastInbound: Map<string, number>;
}

const WINDOW_MS = 24 * 3600 * 1000;
const MEDIA_URL_TTL_MS = 5 * 60 * 1000;
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const VERSION = /^v\d+\.\d+$/;

/** The Graph error body (PLATFORMS.md §2 error shape). */
export function graphError(code: number, message: string, details?: string, extra: Record<string, unknown> = {}): { error: Record<string, unknown> } {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(details ? { error_data: { messaging_product: 'whatsapp', details } } : {}),
      ...extra,
      fbtrace_id: `A${randomBytes(8).toString('hex')}`,
    },
  };
}

const TOKEN_INVALID: FakeReply = { status: 401, json: graphError(190, 'Invalid OAuth access token - Cannot parse access token') };

export class FakeGraphServer extends FakePlatformServer<FakeGraphCall> {
  private readonly numbers = new Map<string, NumberState>();
  private readonly templates = new Map<string, FakeWaTemplate[]>();
  private readonly media = new Map<string, StoredMedia>();
  private seq = 1;
  /** The fake's clock (24-hour window, media URL expiry); replace it to move time. */
  now: () => number = () => Date.now();

  private constructor(options: { port?: number }) {
    super(options);
    this.route('GET', '/media-files/:key', (req) => this.download(req), { name: 'media-download' });
    this.route('GET', '/:version/:node/message_templates', (req) => this.withAuth(req, () => this.listTemplates(req)), { name: 'templates' });
    this.route('POST', '/:version/:node/messages', (req) => this.withAuth(req, (n) => (isMarkRead(req.rawBody) ? this.markRead(n, req) : this.sendMessage(n, req.params))), {
      name: (req) => (isMarkRead(req.rawBody) ? 'mark-read' : 'messages'),
    });
    this.route('GET', '/:version/:node', (req) => this.withAuth(req, (n) => (this.media.has(req.pathParams.node) ? this.mediaInfo(req.pathParams.node) : this.phoneNumber(n))), {
      name: (req) => (this.media.has(req.pathParams.node) ? 'media' : 'phone-number'),
    });
  }

  static async start(options: { port?: number } = {}): Promise<FakeGraphServer> {
    return new FakeGraphServer(options).start();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State

  addNumber(options: Partial<FakeWaNumber> = {}): FakeWaNumber {
    const n = this.seq++;
    const state: NumberState = {
      phoneNumberId: options.phoneNumberId ?? String(106_540_352_000_000 + n),
      accessToken: options.accessToken ?? `EAAG${randomBytes(24).toString('base64url')}`,
      appSecret: options.appSecret ?? randomBytes(16).toString('hex'),
      wabaId: options.wabaId ?? String(102_290_129_000_000 + n),
      displayPhoneNumber: options.displayPhoneNumber ?? `+1 555 01${String(n).padStart(2, '0')}`,
      verifiedName: options.verifiedName ?? 'Fake shop',
      sent: [],
      readMarks: [],
      lastInbound: new Map(),
    };
    this.numbers.set(state.phoneNumberId, state);
    const { sent: _s, readMarks: _r, lastInbound: _l, ...pub } = state;
    return pub;
  }

  /** Makes a token invalid (expired / revoked): later calls with it answer 401 code 190. */
  revokeToken(token: string): void {
    for (const n of this.numbers.values()) if (n.accessToken === token) n.accessToken = `revoked-${randomBytes(8).toString('hex')}`;
  }

  addTemplate(wabaId: string, template: Partial<FakeWaTemplate> & { name: string }): FakeWaTemplate {
    const full: FakeWaTemplate = { language: 'ru', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Заказ {{1}} готов' }], ...template };
    this.templates.set(wabaId, [...(this.templates.get(wabaId) ?? []), full]);
    return full;
  }

  /** Stores a media file a number received; returns its media id (the webhook's `image.id`…). */
  addMedia(phoneNumberId: string, content: Buffer | string, mimeType = 'image/jpeg'): string {
    const id = String(900_000_000_000 + this.seq++);
    this.media.set(id, { id, content: Buffer.from(content), mimeType, phoneNumberId, urlKey: randomBytes(12).toString('hex') });
    return id;
  }

  /** The customer wrote (or called): opens / refreshes the 24-hour window of `recipient` (wa_id or BSUID). */
  customerWrote(phoneNumberId: string, recipient: string, atMs = this.now()): void {
    this.requireNumber(phoneNumberId).lastInbound.set(recipient.replace(/^\+/, ''), atMs);
  }

  sent(phoneNumberId: string): FakeWaSent[] {
    return [...this.requireNumber(phoneNumberId).sent];
  }

  /** wamids marked read (mark-read calls), oldest first. */
  readMarks(phoneNumberId: string): string[] {
    return [...this.requireNumber(phoneNumberId).readMarks];
  }

  /** The base's failures plus Graph error bodies (`graph-error`) and 5xx pages (`server-error`). */
  override failNext(name: string, failure: FakeGraphFailure, options: FakeFailOptions = {}): void {
    super.failNext(name, toBaseFailure(failure), options);
  }

  protected override describeCall(req: FakeRequest): Partial<FakeGraphCall> {
    return { token: bearer(req) };
  }

  protected override notFoundReply(req: FakeRequest): FakeReply {
    return { status: 400, json: graphError(100, `Unknown path components: ${req.path}`) };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Meta calling our webhook

  /** A `messages` webhook body for a number (one entry, one change), as Meta batches it. */
  static webhook(number: Pick<FakeWaNumber, 'phoneNumberId' | 'wabaId' | 'displayPhoneNumber'>, value: { contacts?: unknown[]; messages?: unknown[]; statuses?: unknown[] }): Record<string, unknown> {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: number.displayPhoneNumber.replace(/\D/g, ''), phone_number_id: number.phoneNumberId },
                ...value,
              },
            },
          ],
        },
      ],
    };
  }

  /**
   * POSTs a webhook body to `url` signed like Meta (`X-Hub-Signature-256: sha256=<hex HMAC of the raw bytes>`), or with
   * `signature` as given (null = no header). Returns what the webhook answered.
   */
  async deliverWebhook(url: string, body: unknown, appSecret: string, options: { signature?: string | null } = {}): Promise<{ status: number; body: string }> {
    const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const signature = options.signature === undefined ? `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}` : options.signature;
    const answer = await this.deliver(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) } });
    return { status: answer.status, body: answer.body };
  }

  /** The GET verification handshake Meta runs when the callback URL is saved. */
  async verifyCallback(url: string, verifyToken: string, challenge = String(1_000_000 + Math.floor(Math.random() * 1e9))): Promise<{ status: number; body: string; challenge: string }> {
    const u = new URL(url);
    u.searchParams.set('hub.mode', 'subscribe');
    u.searchParams.set('hub.challenge', challenge);
    u.searchParams.set('hub.verify_token', verifyToken);
    const answer = await this.deliver(u.toString(), { method: 'GET' });
    return { status: answer.status, body: answer.body, challenge };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Graph API

  /**
   * Bearer token → the number it belongs to, and the path's node (a phone number id, a media id of that number, or its
   * WABA id) must be visible to it: else 401 190 (unknown token) or 400 100/33 (unknown or foreign id).
   */
  private withAuth(req: FakeRequest, handler: (number: NumberState) => FakeReply): FakeReply {
    const { version, node } = req.pathParams;
    if (!VERSION.test(version)) return this.notFoundReply(req);
    const token = bearer(req);
    const owners = [...this.numbers.values()].filter((n) => n.accessToken === token);
    if (owners.length === 0) return TOKEN_INVALID;
    const media = this.media.get(node);
    const number = owners.find((n) => n.phoneNumberId === node || n.wabaId === node || media?.phoneNumberId === n.phoneNumberId);
    if (!number) {
      return {
        status: 400,
        json: graphError(100, `Unsupported get request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, undefined, { error_subcode: 33 }),
      };
    }
    return handler(number);
  }

  private phoneNumber(n: NumberState): FakeReply {
    return { json: { id: n.phoneNumberId, display_phone_number: n.displayPhoneNumber, verified_name: n.verifiedName, quality_rating: 'GREEN' } };
  }

  private markRead(n: NumberState, req: FakeRequest): FakeReply {
    n.readMarks.push(String(req.params.message_id));
    return { json: { success: true } };
  }

  private sendMessage(number: NumberState, p: Record<string, unknown>): FakeReply {
    if (p.messaging_product !== 'whatsapp') return { status: 400, json: graphError(100, '(#100) The parameter messaging_product is required.') };
    const to = typeof p.to === 'string' ? p.to : typeof p.recipient === 'string' ? p.recipient : undefined;
    if (!to) return { status: 400, json: graphError(100, '(#100) The parameter to is required.') };
    const key = to.replace(/^\+/, '');
    const type = typeof p.type === 'string' ? p.type : 'text';
    const refused = type === 'template' ? this.checkTemplate(number, p.template) : this.checkFreeForm(number, key, type, p);
    if (refused) return refused;
    const wamid = `wamid.${Buffer.from(`${number.phoneNumberId}:${this.seq++}:${randomBytes(6).toString('hex')}`).toString('base64url')}`;
    number.sent.push({ wamid, to, body: p, at: new Date(this.now()) });
    return { json: { messaging_product: 'whatsapp', contacts: [{ input: to, ...(/^\d+$/.test(key) ? { wa_id: key } : {}) }], messages: [{ id: wamid, message_status: 'accepted' }] } };
  }

  private checkFreeForm(number: NumberState, key: string, type: string, p: Record<string, unknown>): FakeReply | undefined {
    if (type === 'text') {
      const body = (p.text as { body?: unknown } | undefined)?.body;
      if (typeof body !== 'string' || body.length === 0) return { status: 400, json: graphError(100, '(#100) The parameter text[body] is required.') };
      if (body.length > 4096) return { status: 400, json: graphError(100, '(#100) Param text[body] must be at most 4096 characters long.') };
    } else if (MEDIA_TYPES.has(type)) {
      const media = p[type] as { id?: unknown; link?: unknown } | undefined;
      if (!media || (typeof media.id !== 'string' && typeof media.link !== 'string')) return { status: 400, json: graphError(100, `(#100) The parameter ${type}[id] or ${type}[link] is required.`) };
    } else {
      return { status: 400, json: graphError(131051, `(#131051) Unsupported message type: ${type}`) };
    }
    const last = number.lastInbound.get(key);
    if (last === undefined || this.now() - last > WINDOW_MS) {
      return { status: 400, json: graphError(131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.') };
    }
    return undefined;
  }

  private checkTemplate(number: NumberState, t: unknown): FakeReply | undefined {
    const template = t as { name?: unknown; language?: { code?: unknown } } | undefined;
    const found = (this.templates.get(number.wabaId) ?? []).find((x) => x.name === template?.name && x.language === template?.language?.code);
    if (!found) return { status: 404, json: graphError(132001, '(#132001) Template name does not exist in the translation', `template name (${String(template?.name)}) does not exist in ${String(template?.language?.code)}`) };
    if (found.status !== 'APPROVED') return { status: 400, json: graphError(132015, '(#132015) Template is paused') };
    return undefined;
  }

  private mediaInfo(id: string): FakeReply {
    const m = this.media.get(id)!;
    m.urlKey = randomBytes(12).toString('hex');
    m.urlIssuedAt = this.now();
    const sha256 = createHash('sha256').update(m.content).digest('hex');
    return { json: { messaging_product: 'whatsapp', url: `${this.baseUrl}/media-files/${m.urlKey}`, mime_type: m.mimeType, sha256, file_size: m.content.length, id } };
  }

  private download(req: FakeRequest): FakeReply {
    const m = [...this.media.values()].find((x) => x.urlKey === req.pathParams.key);
    if (!m || m.urlIssuedAt === undefined || this.now() - m.urlIssuedAt > MEDIA_URL_TTL_MS) return { status: 404, text: '<html><body>Not found</body></html>' };
    if (this.numbers.get(m.phoneNumberId)?.accessToken !== bearer(req)) return TOKEN_INVALID;
    return { body: m.content, headers: { 'content-type': m.mimeType } };
  }

  private listTemplates(req: FakeRequest): FakeReply {
    const status = req.query.get('status');
    const all = (this.templates.get(req.pathParams.node) ?? []).filter((t) => !status || t.status === status);
    const limit = Math.max(1, Math.min(100, Number(req.query.get('limit') ?? 25) || 25));
    const start = Number(req.query.get('after') ?? 0) || 0;
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return {
      json: {
        data: page.map((t, i) => ({ id: String(5_000 + start + i), ...t })),
        paging: { cursors: { before: String(start), after: String(start + limit) }, ...(more ? { next: `${this.baseUrl}${req.path}?after=${start + limit}` } : {}) },
      },
    };
  }

  private requireNumber(id: string): NumberState {
    const n = this.numbers.get(id);
    if (!n) throw new Error(`FakeGraphServer: unknown phone number id ${id}`);
    return n;
  }
}

function bearer(req: FakeRequest): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
}

function isMarkRead(raw: Buffer): boolean {
  try {
    return (JSON.parse(raw.toString('utf8')) as { status?: unknown } | null)?.status === 'read';
  } catch {
    return false;
  }
}

const GRAPH_MESSAGES: Record<number, string> = {
  190: 'Error validating access token: Session has expired',
  130429: 'Rate limit hit',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  131047: 'Re-engagement message',
  131026: 'Message Undeliverable',
  131000: 'Something went wrong',
};
const GRAPH_DETAILS: Record<number, string> = {
  130429: 'Cloud API message throughput has been reached.',
  131056: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
};

function toBaseFailure(f: FakeGraphFailure): FakeFailure {
  if (f.kind === 'server-error') {
    const reply: FakeReply = f.html
      ? { status: f.status ?? 502, text: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'content-type': 'text/html' } }
      : { status: f.status ?? 500, json: graphError(1, 'An unknown error occurred', undefined, { is_transient: true }) };
    return { kind: 'reply', reply };
  }
  if (f.kind !== 'graph-error') return f;
  return {
    kind: 'reply',
    reply: {
      status: f.status ?? (f.code === 190 ? 401 : 400),
      json: graphError(f.code, f.message ?? `(#${f.code}) ${GRAPH_MESSAGES[f.code] ?? 'Error'}`, GRAPH_DETAILS[f.code], f.isTransient !== undefined ? { is_transient: f.isTransient } : {}),
      ...(f.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(f.retryAfterSeconds) } } : {}),
    },
  };
}
