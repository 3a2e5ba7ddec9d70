// A local stand-in for one Bitrix24 portal's REST API through incoming webhooks (PLATFORMS.md §5), for tests of the
// api (webhook checks) and of the integrations service (forwarding). Built on FakePlatformServer; one instance per
// portal. See README.md beside this file.
//
//   const b24 = await FakeBitrix24Server.start();                 // 127.0.0.1:<free port>, 2 req/s, bursts to 50
//   const hook = b24.addWebhook({ scopes: ['crm'] });              // hook.url = http://127.0.0.1:<port>/rest/1/<code>/
//   b24.failNext('batch', { kind: 'query-limit' }, { times: 3 });  // 503 QUERY_LIMIT_EXCEEDED three times
//   b24.revokeWebhook(hook.code);                                  // 401 NO_AUTH_FOUND from now on
//   b24.portal.leads / .contacts / .comments                       // what the portal holds
import { randomBytes } from 'node:crypto';
import { FakePlatformServer, type FakeCall, type FakeFailOptions, type FakeFailure, type FakeReply, type FakeRequest } from '../fake-platform.server';
import { FakeBitrix24Error, FakeBitrix24Portal, type MethodAnswer } from './fake-bitrix24.portal';
import { parsePhpQuery } from './php-query';

export interface FakeBitrix24Webhook {
  userId: number;
  code: string;
  /** `http://127.0.0.1:<port>/rest/<userId>/<code>/` */
  url: string;
}

/**
 * A programmed failure (see failNext). Inside `batch`, only `error` applies to a sub-call (→ `result_error`). The
 * generic kinds of FakePlatformServer apply too: `drop-connection` (nothing done), `delay` (done after the delay),
 * `reply` (any answer instead).
 */
export type FakeBitrix24Failure =
  | FakeFailure
  /** Any REST error `{error, error_description}` with that HTTP status (e.g. 400 INVALID_ARG_VALUE). */
  | { kind: 'error'; status: number; error: string; description?: string }
  /** 503 QUERY_LIMIT_EXCEEDED "Too many requests" (the portal's leaky bucket is full). */
  | { kind: 'query-limit' }
  /** 429 OPERATION_TIME_LIMIT; `time.operating_reset_at` = now + resetInSeconds. */
  | { kind: 'operation-time-limit'; resetInSeconds?: number }
  /** 500 INTERNAL_SERVER_ERROR, nothing done. */
  | { kind: 'server-error' }
  /** The request IS carried out, but its answer never comes (the client gives up): an unclear failure. */
  | { kind: 'process-then-drop' };

type PortalFailure = Exclude<FakeBitrix24Failure, FakeFailure>;

export interface FakeBitrix24Options {
  port?: number;
  /** The portal's leaky bucket; `false` switches it off. Default 2 req/s, bursts to 50 (non-Enterprise cloud). */
  rateLimit?: { perSecond: number; burst: number } | false;
}

export interface FakeBitrix24SubCall {
  key: string;
  method: string;
  params: Record<string, unknown>;
  error?: string;
}

export interface FakeBitrix24Call extends FakeCall {
  /** The REST method (`batch`, `crm.lead.add`…), without `.json`. */
  method: string;
  /** The REST error code answered, if any (may be an empty string, as Bitrix24's own). */
  error?: string;
  /** For `batch`: the sub-calls that were executed, in order. */
  subCalls?: FakeBitrix24SubCall[];
}

interface WebhookState extends FakeBitrix24Webhook {
  scopes: Set<string>;
  state: 'active' | 'revoked' | 'expired';
}

interface FailureRule {
  method: string;
  remaining: number;
  failure: PortalFailure;
}

const MAX_BATCH = 50;
const REFERENCE = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g;

const methodOf = (req: FakeRequest) => (req.pathParams.method ?? '').replace(/\.json$/, '');

export class FakeBitrix24Server extends FakePlatformServer<FakeBitrix24Call> {
  readonly portal = new FakeBitrix24Portal();
  /** Peak of the leaky bucket so far (≤ burst when clients honour the limit). */
  peakBucketLevel = 0;
  private readonly webhooks = new Map<string, WebhookState>();
  private portalFailures: FailureRule[] = [];
  private bucket = { level: 0, at: Date.now() };
  private readonly outcomes = new WeakMap<FakeRequest, { error?: string; subCalls?: FakeBitrix24SubCall[] }>();

  private constructor(private readonly options: FakeBitrix24Options) {
    super({ port: options.port });
    this.route('*', '/rest/:userId/:code/:method', (req) => this.answer(req), { name: methodOf });
  }

  static start(options: FakeBitrix24Options = {}): Promise<FakeBitrix24Server> {
    return new FakeBitrix24Server(options).start();
  }

  /** A webhook of user `userId` (default 1) with these scopes (default crm + user); valid from now on. */
  addWebhook(options: { userId?: number; code?: string; scopes?: string[] } = {}): FakeBitrix24Webhook {
    const userId = options.userId ?? 1;
    const code = options.code ?? randomBytes(8).toString('hex');
    const hook: WebhookState = { userId, code, url: `${this.baseUrl}/rest/${userId}/${code}/`, scopes: new Set(options.scopes ?? ['crm', 'user']), state: 'active' };
    this.webhooks.set(code, hook);
    return { userId, code, url: hook.url };
  }

  /** Deleted in the portal: NO_AUTH_FOUND (401) from now on. */
  revokeWebhook(code: string): void {
    this.requireHook(code).state = 'revoked';
  }

  /** Past its expiry: expired_token (401) from now on. */
  expireWebhook(code: string): void {
    this.requireHook(code).state = 'expired';
  }

  setScopes(code: string, scopes: string[]): void {
    this.requireHook(code).scopes = new Set(scopes);
  }

  /**
   * The next `times` requests (default 1; Infinity = until clearFailures) of `method` ('*' = any request) fail as
   * described. A rule for a CRM method with kind `error` also fails that method inside a batch.
   */
  override failNext(method: string, failure: FakeBitrix24Failure, options: FakeFailOptions = {}): void {
    if (failure.kind === 'drop-connection' || failure.kind === 'delay' || failure.kind === 'reply') return super.failNext(method, failure, options);
    this.portalFailures.push({ method, remaining: options.times ?? 1, failure });
  }

  override clearFailures(): void {
    super.clearFailures();
    this.portalFailures = [];
  }

  /** How often `method` was executed, top level or inside a batch (refused requests not counted). */
  executions(method: string): number {
    return this.calls.reduce(
      (n, c) => n + (c.method === method && c.status === 200 ? 1 : 0) + (c.subCalls ?? []).filter((s) => s.method === method && !s.error).length,
      0,
    );
  }

  protected override prepare(req: FakeRequest): void {
    const isJson = String(req.headers['content-type'] ?? '').includes('application/json');
    const text = req.rawBody.toString('utf8');
    // Bitrix24 reads PHP-style nesting (`fields[PHONE][0][VALUE]`) from the query and form bodies.
    req.params = { ...parsePhpQuery(req.query.toString()), ...(isJson ? (text ? (JSON.parse(text) as Record<string, unknown>) : {}) : parsePhpQuery(text)) };
  }

  protected override describeCall(req: FakeRequest, name: string): Partial<FakeBitrix24Call> {
    const outcome = this.outcomes.get(req);
    return { method: name, ...(outcome?.error !== undefined ? { error: outcome.error } : {}), ...(outcome?.subCalls ? { subCalls: outcome.subCalls } : {}) };
  }

  protected override notFoundReply(req: FakeRequest): FakeReply {
    return this.errorReply(req, new FakeBitrix24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!'));
  }

  protected override badBodyReply(req: FakeRequest): FakeReply {
    return this.errorReply(req, new FakeBitrix24Error(400, 'INVALID_REQUEST', 'Invalid request body'));
  }

  private requireHook(code: string): WebhookState {
    const hook = this.webhooks.get(code);
    if (!hook) throw new Error(`no webhook with code ${code}`);
    return hook;
  }

  private errorReply(req: FakeRequest, err: FakeBitrix24Error): FakeReply {
    this.outcomes.set(req, { ...this.outcomes.get(req), error: err.error });
    return { status: err.status, json: { error: err.error, error_description: err.description, ...err.extra } };
  }

  private async answer(req: FakeRequest): Promise<FakeReply> {
    const started = Date.now();
    const method = methodOf(req);
    const failure = this.takePortalFailure(method, false);
    if (failure && failure.kind !== 'process-then-drop') return this.errorReply(req, failureError(failure));
    if (!this.admit()) return this.errorReply(req, new FakeBitrix24Error(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'));
    let outcome: MethodAnswer;
    try {
      const hook = this.authenticate(Number(req.pathParams.userId), req.pathParams.code);
      outcome = method === 'batch' ? this.batch(hook, req) : this.run(hook, method, req.params);
    } catch (err) {
      if (!(err instanceof FakeBitrix24Error)) throw err;
      return this.errorReply(req, err);
    }
    // Carried out; the answer is held until the client gives up, so it never arrives.
    if (failure?.kind === 'process-then-drop') await untilAborted(req.signal);
    return { json: { ...outcome, time: timeOf(started) } };
  }

  /** The portal's leaky bucket (per portal, real time): refuses when more than `burst` requests are queued. */
  private admit(): boolean {
    const limit = this.options.rateLimit ?? { perSecond: 2, burst: 50 };
    if (limit === false) return true;
    const now = Date.now();
    const level = Math.max(0, this.bucket.level - ((now - this.bucket.at) * limit.perSecond) / 1000);
    if (level + 1 > limit.burst + 1e-9) {
      this.bucket = { level, at: now };
      return false;
    }
    this.bucket = { level: level + 1, at: now };
    this.peakBucketLevel = Math.max(this.peakBucketLevel, level + 1);
    return true;
  }

  private authenticate(userId: number, code: string): WebhookState {
    const hook = this.webhooks.get(code);
    if (!hook || hook.userId !== userId || hook.state === 'revoked') throw new FakeBitrix24Error(401, 'NO_AUTH_FOUND', 'Wrong authorization data');
    if (hook.state === 'expired') throw new FakeBitrix24Error(401, 'expired_token', 'The access token provided has expired.');
    return hook;
  }

  private run(hook: WebhookState, method: string, params: Record<string, unknown>): MethodAnswer {
    if (method === 'scope') return { result: [...hook.scopes] };
    const handler = this.portal.methods[method];
    if (!handler) throw new FakeBitrix24Error(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
    if (handler.scope && !hook.scopes.has(handler.scope)) {
      throw new FakeBitrix24Error(403, 'insufficient_scope', 'The request requires higher privileges than provided by the webhook token');
    }
    return handler.run(params, hook.userId);
  }

  private batch(hook: WebhookState, req: FakeRequest): MethodAnswer {
    const cmd = req.params.cmd;
    if (typeof cmd !== 'object' || cmd === null) throw new FakeBitrix24Error(400, 'INVALID_ARG_VALUE', 'cmd is required');
    const entries = Object.entries(cmd as Record<string, unknown>);
    if (entries.length > MAX_BATCH) throw new FakeBitrix24Error(400, 'ERROR_BATCH_LENGTH_EXCEEDED', 'Max batch length exceeded');
    const halt = String(req.params.halt ?? '0') === '1' || req.params.halt === true;
    const out = { result: {} as Record<string, unknown>, result_error: {} as Record<string, unknown>, result_total: {} as Record<string, unknown>, result_next: {} as Record<string, unknown>, result_time: {} as Record<string, unknown> };
    const subCalls: FakeBitrix24SubCall[] = [];
    this.outcomes.set(req, { subCalls });
    for (const [key, command] of entries) {
      const started = Date.now();
      const [method, query = ''] = String(command).split(/\?(.*)/s);
      const params = resolveReferences(parsePhpQuery(query), out.result) as Record<string, unknown>;
      const sub: FakeBitrix24SubCall = { key, method, params };
      subCalls.push(sub);
      try {
        if (method === 'batch') throw new FakeBitrix24Error(405, 'ERROR_BATCH_METHOD_NOT_ALLOWED', 'Method is not allowed for batch usage');
        const failure = this.takePortalFailure(method, true);
        if (failure) throw failureError(failure);
        const answer = this.run(hook, method, params);
        out.result[key] = answer.result;
        if (answer.total !== undefined) out.result_total[key] = answer.total;
        if (answer.next !== undefined) out.result_next[key] = answer.next;
        out.result_time[key] = timeOf(started);
      } catch (err) {
        if (!(err instanceof FakeBitrix24Error)) throw err;
        sub.error = err.error || `HTTP ${err.status}`;
        out.result_error[key] = { error: err.error, error_description: err.description };
        if (halt) break;
      }
    }
    return { result: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, phpMap(v)])) };
  }

  private takePortalFailure(method: string, inBatch: boolean): PortalFailure | undefined {
    const rule = this.portalFailures.find(
      (r) => r.remaining > 0 && (inBatch ? r.method === method && r.failure.kind === 'error' : r.method === method || r.method === '*'),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.failure;
  }
}

function failureError(failure: PortalFailure): FakeBitrix24Error {
  switch (failure.kind) {
    case 'error':
      return new FakeBitrix24Error(failure.status, failure.error, failure.description ?? failure.error);
    case 'query-limit':
      return new FakeBitrix24Error(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests');
    case 'operation-time-limit':
      return new FakeBitrix24Error(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.', {
        time: { operating_reset_at: Math.floor(Date.now() / 1000) + (failure.resetInSeconds ?? 60) },
      });
    default:
      return new FakeBitrix24Error(500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    setTimeout(resolve, 120_000).unref();
  });
}

/** `$result[key][field]…` in sub-call parameters → the value an earlier sub-call returned (empty when none). */
function resolveReferences(value: unknown, results: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_m, key: string, path: string) => {
      let node: unknown = results[key];
      for (const [, segment] of path.matchAll(/\[([^\]]*)\]/g)) node = (node as Record<string, unknown> | undefined)?.[segment];
      return node === undefined || node === null || typeof node === 'object' ? '' : String(node);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, results));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, results)]));
  return value;
}

/** PHP's json_encode of an empty associative array is `[]`. */
function phpMap(map: Record<string, unknown>): Record<string, unknown> | [] {
  return Object.keys(map).length === 0 ? [] : map;
}

function timeOf(started: number): Record<string, unknown> {
  const finished = Date.now();
  return {
    start: started / 1000,
    finish: finished / 1000,
    duration: (finished - started) / 1000,
    processing: (finished - started) / 1000,
    date_start: new Date(started).toISOString(),
    date_finish: new Date(finished).toISOString(),
    operating_reset_at: Math.floor(started / 1000) + 600,
    operating: 0,
  };
}
