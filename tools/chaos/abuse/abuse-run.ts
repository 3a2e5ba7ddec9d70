// The abuse runner: every target's malformed requests through the public origin, a few at a time, and per endpoint what
// came back (by status class, every 5xx with its kind), whether anything was stored, and whether its service is still
// the same live, ready process. Memory per service: RSS after a full GC once every endpoint got its warm-up share (the
// hostile fixed list: buffers, parsers and code paths exist), and again after the rest.
import { Agent, request as httpRequest } from 'node:http';
import type { Admin, Kafka } from 'kafkajs';
import type { Client } from 'pg';
import type { ChaosStack } from '../chaos-stack';
import { inboundRecords, rssAfterGc, serviceHealthy, storedCounts, storedDiff } from './abuse-probes';
import type { AbuseRequest, AbuseTarget } from './abuse-targets';

export interface AbuseContext {
  stack: ChaosStack;
  db: Client;
  kafka: Kafka;
  /** Full name of channels.inbound.v1 (with the run's prefix). */
  inboundTopic: string;
  targets: AbuseTarget[];
  log: (line: string) => void;
}

export interface AbuseOptions {
  perEndpoint: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Requests per endpoint before the memory baseline (default 60: the fixed hostile list). */
  warmup?: number;
  seed?: number;
  /** Allowed RSS growth per service (default 0.1). */
  rssTolerance?: number;
}

export interface AbuseRow {
  endpoint: string;
  service: string;
  tried: number;
  /** Answers by class (`2xx`…`5xx`) and `none` (connection closed without an answer). */
  answered: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'none', number>;
  /** The first few 5xx and unanswered requests: `<kind> → <status> <body>`. */
  failures: string[];
  /** Kinds of the first distinct requests answered 2xx (a webhook's ignorable events, GETs…). */
  acceptedKinds: string[];
  /** What grew in the database or on channels.inbound.v1 while this endpoint was abused (a violation). */
  stored: string[];
  /** Records published by tolerable requests (AbuseRequest.tolerable): kind and count, not a violation. */
  tolerated: string[];
  alive: boolean;
  ready: boolean;
}

export interface AbuseServiceMemory {
  service: string;
  rssBefore: number;
  rssAfter: number;
}

export interface AbuseReport {
  rows: AbuseRow[];
  memory: AbuseServiceMemory[];
  /** Rows stored after the last endpoint, once asynchronous consumers caught up. */
  storedLate: string[];
  ok: boolean;
  rssTolerance: number;
}

export function abuseRowIsClean(row: AbuseRow): boolean {
  return row.answered['5xx'] === 0 && row.answered.none === 0 && row.stored.length === 0 && row.alive && row.ready;
}

export function memoryIsClean(m: AbuseServiceMemory, tolerance: number): boolean {
  return m.rssAfter <= m.rssBefore * (1 + tolerance);
}

interface Answer {
  status: number | 'none';
  body: string;
}

/** Where a request goes: the public origin, or for a body over 16 kB the service's own port — the dev gateway
 * (http-proxy-3) answers 502 EPIPE, or leaves the keep-alive connection hanging, when an upstream answered 413 before
 * reading the body (nginx in production buffers the body and has its own limit); see docs/chaos-abuse.md. */
interface Origins {
  public: URL;
  service: URL;
}

function send(agent: Agent, origins: Origins, req: AbuseRequest): Promise<Answer> {
  const big = (req.body?.length ?? 0) > 16 * 1024;
  const origin = big ? origins.service : origins.public;
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const headers: Record<string, string | number> = { ...req.headers, 'content-length': req.body?.length ?? 0 };
    const r = httpRequest({ agent, host: origin.hostname, port: origin.port, method: req.method, path: req.path, headers }, (res) => {
      // A stream (SSE) that opened is an answer; it never ends by itself.
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.destroy();
        return done({ status: res.statusCode ?? 'none', body: 'event stream' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 4 && chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 'none', body: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
      res.on('close', () => done({ status: res.statusCode ?? 'none', body: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
    });
    // A whole request (upload and answer) gets 20 s; an answer that never comes is "none".
    const timer = setTimeout(() => {
      r.destroy();
      done({ status: 'none', body: 'no answer within 20 s' });
    }, 20_000);
    r.on('error', (err) => done({ status: 'none', body: err.message }));
    r.end(req.body);
  });
}

class RowRecorder {
  readonly row: AbuseRow;

  constructor(target: AbuseTarget) {
    this.row = { endpoint: target.name, service: target.service, tried: 0, answered: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, none: 0 }, failures: [], acceptedKinds: [], stored: [], tolerated: [], alive: true, ready: true };
  }

  record(req: AbuseRequest, answer: Answer): void {
    this.row.tried++;
    const cls = answer.status === 'none' ? 'none' : (`${Math.floor(answer.status / 100)}xx` as keyof AbuseRow['answered']);
    if (cls in this.row.answered) this.row.answered[cls]++;
    if (cls === '2xx' && this.row.acceptedKinds.length < 12 && !this.row.acceptedKinds.includes(req.kind)) this.row.acceptedKinds.push(req.kind);
    if ((cls === '5xx' || cls === 'none') && this.row.failures.length < 5) this.row.failures.push(`${req.kind} (${req.method} ${req.path.slice(0, 80)}) → ${answer.status} ${answer.body.slice(0, 160)}`);
  }
}

/** Counts records on channels.inbound.v1 (to name the request that published one). */
type InboundCount = () => Promise<number>;

/** Sends `requests` with `concurrency` in flight — one at a time with `inbound`, naming every 2xx that published. */
async function sendAll(agent: Agent, origins: Origins, requests: Iterator<AbuseRequest>, limit: number, concurrency: number, recorder: RowRecorder, inbound?: InboundCount): Promise<void> {
  let sent = 0;
  let published = inbound ? await inbound() : 0;
  const worker = async () => {
    while (sent < limit) {
      const next = requests.next();
      if (next.done) return;
      sent++;
      const answer = await send(agent, origins, next.value);
      recorder.record(next.value, answer);
      if (inbound && typeof answer.status === 'number' && answer.status < 300) {
        const now = await inbound();
        if (now !== published) (next.value.tolerable ? recorder.row.tolerated : recorder.row.stored).push(`${next.value.kind}: ${now - published} inbound`);
        published = now;
      }
    }
  };
  await Promise.all(Array.from({ length: inbound ? 1 : concurrency }, worker));
}

interface TargetRun {
  target: AbuseTarget;
  requests: Generator<AbuseRequest>;
  recorder: RowRecorder;
  starts: number;
}

/** One pass over every target: up to `limit` more requests each, then its service's life and what was stored. */
async function pass(ctx: AbuseContext, admin: Admin, runs: TargetRun[], limit: number, agent: Agent, concurrency: number): Promise<void> {
  for (const run of runs) {
    const origins = { public: new URL(ctx.stack.publicUrl), service: new URL(ctx.stack.url(run.target.service)) };
    const before = await storedCounts(ctx.db, admin, ctx.inboundTopic);
    const inbound = run.target.publishesInbound ? () => inboundRecords(admin, ctx.inboundTopic) : undefined;
    await sendAll(agent, origins, run.requests, limit, concurrency, run.recorder, inbound);
    const health = await serviceHealthy(ctx.stack, run.target.service, run.starts);
    const row = run.recorder.row;
    row.alive &&= health.alive;
    row.ready &&= health.ready;
    // Records on channels.inbound.v1 of a publishing target were attributed request by request above.
    const grown = storedDiff(before, await storedCounts(ctx.db, admin, ctx.inboundTopic));
    if (!run.target.publishesInbound) row.stored.push(...grown);
    else {
      // Rows lead-routing made of those records: tolerated when every record was, a violation otherwise.
      const rows = grown.filter((g) => !g.startsWith('inboundRecords')).map((g) => `rows of the records: ${g}`);
      (row.stored.length === 0 ? row.tolerated : row.stored).push(...rows);
    }
    if (!abuseRowIsClean(row)) ctx.log(`  ✗ ${row.endpoint}: ${JSON.stringify(row.answered)} stored [${row.stored.join(', ')}] alive ${row.alive} ready ${row.ready} ${row.failures.join(' | ')}`);
  }
}

export async function runAbuse(ctx: AbuseContext, options: AbuseOptions): Promise<AbuseReport> {
  const concurrency = options.concurrency ?? 8;
  const warmup = Math.min(options.warmup ?? 60, options.perEndpoint);
  const rssTolerance = options.rssTolerance ?? 0.1;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const runs: TargetRun[] = ctx.targets.map((target, i) => ({
    target,
    requests: target.requests(options.perEndpoint, (options.seed ?? 17) * 1000 + i),
    recorder: new RowRecorder(target),
    starts: ctx.stack.services.get(target.service)?.starts ?? 0,
  }));
  const services = [...new Set(ctx.targets.map((t) => t.service))];
  const admin = ctx.kafka.admin();
  await admin.connect();
  try {
    ctx.log(`abuse: ${ctx.targets.length} endpoints × ${options.perEndpoint} requests (warm-up ${warmup} each)`);
    await pass(ctx, admin, runs, warmup, agent, concurrency);
    const rssBefore = new Map<string, number>();
    for (const s of services) rssBefore.set(s, await rssAfterGc(ctx.stack, s));
    const started = Date.now();
    await pass(ctx, admin, runs, options.perEndpoint - warmup, agent, concurrency);
    ctx.log(`abuse: ${runs.reduce((n, r) => n + r.recorder.row.tried, 0)} requests, main pass in ${Math.round((Date.now() - started) / 1000)} s`);
    const beforeSettle = await storedCounts(ctx.db, admin, ctx.inboundTopic);
    await new Promise((r) => setTimeout(r, 2_000));
    const storedLate = storedDiff(beforeSettle, await storedCounts(ctx.db, admin, ctx.inboundTopic));
    const memory: AbuseServiceMemory[] = [];
    for (const s of services) memory.push({ service: s, rssBefore: rssBefore.get(s)!, rssAfter: await rssAfterGc(ctx.stack, s) });
    const rows = runs.map((r) => r.recorder.row);
    const ok = rows.every(abuseRowIsClean) && storedLate.length === 0 && memory.every((m) => memoryIsClean(m, rssTolerance));
    return { rows, memory, storedLate, ok, rssTolerance };
  } finally {
    agent.destroy();
    await admin.disconnect();
  }
}
