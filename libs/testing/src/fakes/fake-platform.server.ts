// The base of every fake platform server (Telegram, WhatsApp, VK, Avito, CRMs) used in tests: a node:http server on
// 127.0.0.1:<free port> with routing, request parsing (query, JSON, form-urlencoded, multipart), call recording,
// programmed failures, outages (stop/restart on the same port) and a client to call OUR webhooks as the platform does.
// A platform fake extends it, registers its routes and speaks its documented contract (PLATFORMS.md).
//
//   class FakeVkServer extends FakePlatformServer {
//     constructor() {
//       super();
//       this.route('POST', '/method/:name', (req) => ({ json: { response: 1 } }), { name: (req) => req.pathParams.name });
//     }
//   }
//   const vk = await new FakeVkServer().start();          // vk.baseUrl = http://127.0.0.1:<port>
//   vk.failNext('messages.send', { kind: 'drop-connection' });
//   vk.callsOf('messages.send')                            // [{ name, params, status, … }]
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** A file part of a multipart request. */
export interface FakeUploadedFile {
  fileName: string;
  content: Buffer;
  contentType?: string;
}

/** A request as a route handler sees it. */
export interface FakeRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** The path (no query string), URL-decoded per segment in pathParams. */
  path: string;
  /** Values of the route's `:name` / `*name` segments, URL-decoded. */
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Query parameters merged with the body's fields (JSON object, form-urlencoded or multipart; JSON-looking form values parsed). */
  params: Record<string, unknown>;
  /** Multipart file parts by field name. */
  files: Map<string, FakeUploadedFile>;
  /** Aborted when the client goes away (e.g. to end a long poll). */
  signal: AbortSignal;
}

/** A handler's answer: `json` (serialized), `text`, or raw `body`; status 200 unless given. */
export interface FakeReply {
  status?: number;
  json?: unknown;
  text?: string;
  body?: Buffer;
  headers?: Record<string, string>;
}

/** A programmed failure of the next call(s) of a route name (see failNext). */
export type FakeFailure =
  /** Answer this instead of calling the handler (an error status, a platform error body…). */
  | { kind: 'reply'; reply: FakeReply }
  /** The socket is destroyed without an answer (a network error for the client). */
  | { kind: 'drop-connection' }
  /** Call the handler normally after `ms` (to exercise client timeouts). */
  | { kind: 'delay'; ms: number };

/** One request the server received, in arrival order (also failed and refused ones). */
export interface FakeCall {
  /** The route's name for the request (e.g. the API method); the path when no route matched. */
  name: string;
  httpMethod: string;
  path: string;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  params: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The HTTP status answered (0 = connection dropped). */
  status: number;
  at: Date;
}

export type FakeHandler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeRouteOptions {
  /** The call's name for recording and failNext (default: the pattern). */
  name?: string | ((req: FakeRequest) => string);
}

export interface FakeFailOptions {
  /** How many calls fail (default 1). */
  times?: number;
  /** Only calls for which this holds. */
  where?: (req: FakeRequest) => boolean;
}

export interface FakeDeliveryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Route {
  method: string;
  regex: RegExp;
  keys: string[];
  handler: FakeHandler;
  name: (req: FakeRequest) => string;
}

interface FailureRule {
  name: string;
  remaining: number;
  failure: FakeFailure;
  where?: (req: FakeRequest) => boolean;
}

/** A body the fake could not parse (the subclass decides how the platform answers it: badBodyReply). */
class BadBody extends Error {}

export abstract class FakePlatformServer<C extends FakeCall = FakeCall> {
  /** Every request received since start (or the last clearCalls), in order. */
  readonly calls: C[] = [];
  private readonly routes: Route[] = [];
  private failures: FailureRule[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  protected constructor(options: { port?: number } = {}) {
    this.port = options.port ?? 0;
  }

  /** Listens on 127.0.0.1 (a free port unless one was given). */
  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  /** `http://127.0.0.1:<port>` (no trailing slash). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server?.listening ?? false;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Routing

  /**
   * Registers a handler for `method` ('*' = any) and a path pattern: literal segments, `:name` for one segment,
   * `*name` (last) for the rest of the path; a segment may mix text and a parameter (`/bot:token`).
   */
  protected route(method: string, pattern: string, handler: FakeHandler, options: FakeRouteOptions = {}): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((segment) =>
        segment
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*(\w+)$/, (_m, key: string) => (keys.push(key), '(.+)'))
          .replace(/:(\w+)/g, (_m, key: string) => (keys.push(key), '([^/]+)')),
      )
      .join('/');
    const name = options.name;
    this.routes.push({
      method: method.toUpperCase(),
      regex: new RegExp(`^${source}$`),
      keys,
      handler,
      name: typeof name === 'function' ? name : () => name ?? pattern,
    });
    return this;
  }

  /** Extra fields of a recorded call (a subclass adds its own, e.g. Telegram's method and token). */
  protected describeCall(_req: FakeRequest, _name: string): Partial<C> {
    return {};
  }

  /** Called once the request is parsed, before failures and the handler (e.g. to resolve multipart references). */
  protected prepare(_req: FakeRequest): void {}

  /** The answer when no route matches (default 404 text). */
  protected notFoundReply(_req: FakeRequest): FakeReply {
    return { status: 404, text: 'Not Found' };
  }

  /** Whether a JSON body may be an array (amoCRM takes arrays; the handler reads `rawBody`, `params` holds the query). */
  protected acceptsJsonArrays(): boolean {
    return false;
  }

  /** The answer to a body that cannot be parsed as its content type says (default 400 text). */
  protected badBodyReply(_req: FakeRequest): FakeReply {
    return { status: 400, text: 'Bad Request: invalid request body' };
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Failures and observation

  /**
   * The next `times` calls (default 1) named `name` (case-insensitive; '*' = any routed call), optionally only those
   * matching `where`, fail as described. Rules are consumed in the order they were added.
   */
  failNext(name: string, failure: FakeFailure, options: FakeFailOptions = {}): void {
    this.failures.push({ name: name.toLowerCase(), remaining: options.times ?? 1, failure, where: options.where });
  }

  /** Forgets every programmed failure. */
  clearFailures(): void {
    this.failures = [];
  }

  /** Recorded calls named `name` (case-insensitive), optionally filtered. */
  callsOf(name: string, filter?: (call: C) => boolean): C[] {
    const wanted = name.toLowerCase();
    return this.calls.filter((c) => c.name.toLowerCase() === wanted && (!filter || filter(c)));
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // The platform calling us

  /** Sends a request to one of OUR endpoints as the platform would (a webhook delivery) and returns the answer. */
  deliver(url: string, options: { method?: string; headers?: Record<string, string | number>; body?: Buffer | string } = {}): Promise<FakeDeliveryResponse> {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        { method: options.method ?? 'POST', headers: { ...(body ? { 'content-length': body.length } : {}), ...options.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  // ------------------------------------------------------------------------------------------------------------------
  // Lifecycle

  /** "The platform is down": closes the port and cuts open connections. State is kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.onStop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  /** Back up on the same port. */
  async restart(): Promise<void> {
    if (this.server) return;
    await this.listen();
  }

  /** Stops for good (same as stop; named for afterAll). */
  async close(): Promise<void> {
    await this.stop();
  }

  /** Called when the server stops (e.g. to answer pending long polls). */
  protected onStop(): void {}

  private async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  // ------------------------------------------------------------------------------------------------------------------
  // HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const rawBody = await readAll(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const found = this.match(method, url.pathname);
    const request: FakeRequest = {
      method,
      path: url.pathname,
      pathParams: found?.params ?? {},
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      params: queryParams(url),
      files: new Map(),
      signal: abort.signal,
    };
    const name = found ? found.route.name(request) : url.pathname;
    const record = (status: number) => this.calls.push(this.callRecord(request, name, status));
    try {
      const body = parseBody(req.headers['content-type'], rawBody, this.acceptsJsonArrays());
      request.params = { ...request.params, ...body.fields };
      for (const [k, f] of body.files) request.files.set(k, f);
    } catch (err) {
      if (!(err instanceof BadBody)) throw err;
      const reply = this.badBodyReply(request);
      record(reply.status ?? 400);
      return send(res, reply);
    }
    this.prepare(request);
    if (!found) {
      const reply = this.notFoundReply(request);
      record(reply.status ?? 404);
      return send(res, reply);
    }
    const failure = this.takeFailure(name, request);
    if (failure?.kind === 'drop-connection') {
      record(0);
      res.socket?.destroy();
      return;
    }
    if (failure?.kind === 'reply') {
      record(failure.reply.status ?? 200);
      return send(res, failure.reply);
    }
    if (failure?.kind === 'delay') await new Promise((r) => setTimeout(r, failure.ms));
    const reply = await found.route.handler(request);
    record(reply.status ?? 200);
    send(res, reply);
  }

  private callRecord(req: FakeRequest, name: string, status: number): C {
    const base: FakeCall = {
      name,
      httpMethod: req.method,
      path: req.path,
      pathParams: req.pathParams,
      query: Object.fromEntries(req.query),
      params: req.params,
      headers: req.headers,
      rawBody: req.rawBody,
      status,
      at: new Date(),
    };
    return { ...base, ...this.describeCall(req, name) } as C;
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== '*' && route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, i) => (params[key] = safeDecode(m[i + 1])));
      return { route, params };
    }
    return undefined;
  }

  private takeFailure(name: string, req: FakeRequest): FakeFailure | undefined {
    const wanted = name.toLowerCase();
    const rule = this.failures.find((r) => (r.name === '*' || r.name === wanted) && (!r.where || r.where(req)));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.failures = this.failures.filter((r) => r !== rule);
    return rule.failure;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Request parsing

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Form and query values are strings; platforms parse JSON-typed parameters (arrays, objects) from them. */
export function fromText(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

function queryParams(url: URL): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) out[k] = fromText(v);
  return out;
}

function parseBody(contentType: string | undefined, body: Buffer, allowArrays = false): { fields: Record<string, unknown>; files: Map<string, FakeUploadedFile> } {
  const files = new Map<string, FakeUploadedFile>();
  if (body.length === 0) return { fields: {}, files };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadBody('malformed JSON');
    }
    if (allowArrays && Array.isArray(parsed)) return { fields: {}, files };
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BadBody('not an object');
    return { fields: parsed as Record<string, unknown>, files };
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fields[k] = fromText(v);
    return { fields, files };
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
    if (!boundary) throw new BadBody('multipart without boundary');
    const fields: Record<string, unknown> = {};
    for (const part of multipartParts(body, boundary[1] ?? boundary[2])) {
      if (part.fileName !== undefined) files.set(part.name, { fileName: part.fileName, content: part.content, ...(part.contentType ? { contentType: part.contentType } : {}) });
      else fields[part.name] = fromText(part.content.toString('utf8'));
    }
    return { fields, files };
  }
  return { fields: {}, files };
}

/**
 * Splits a multipart/form-data body into its parts. Lenient like real platform servers (grammY writes `name:value`
 * headers without a space and unquoted filenames, which undici's FormData parser refuses).
 */
export function multipartParts(body: Buffer, boundary: string): Array<{ name: string; fileName?: string; contentType?: string; content: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ name: string; fileName?: string; contentType?: string; content: Buffer }> = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headerStart = start + delimiter.length;
    if (body.subarray(headerStart, headerStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, headerStart);
    if (next === -1) break;
    const part = body.subarray(headerStart + 2, next - 2); // skip CRLF after the delimiter and before the next one
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const disposition = /content-disposition:\s*form-data([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /;\s*name=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
      const fileName = /;\s*filename=(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      if (name) {
        parts.push({
          name: name[1] ?? name[2],
          ...(fileName ? { fileName: fileName[1] ?? fileName[2] } : {}),
          ...(contentType ? { contentType } : {}),
          content: part.subarray(split + 4),
        });
      }
    }
    start = next;
  }
  return parts;
}

function send(res: ServerResponse, reply: FakeReply): void {
  if (res.headersSent || res.destroyed) return;
  const status = reply.status ?? 200;
  let payload: Buffer;
  let contentType: string;
  if (reply.body !== undefined) [payload, contentType] = [reply.body, 'application/octet-stream'];
  else if (reply.text !== undefined) [payload, contentType] = [Buffer.from(reply.text), 'text/plain; charset=utf-8'];
  else if (reply.json !== undefined) [payload, contentType] = [Buffer.from(JSON.stringify(reply.json)), 'application/json'];
  else [payload, contentType] = [Buffer.alloc(0), 'text/plain'];
  res.writeHead(status, { 'content-type': contentType, 'content-length': payload.length, ...reply.headers });
  res.end(payload);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
