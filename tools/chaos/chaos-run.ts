// One chaos run: its own infrastructure, the fakes, every service as a process, one channel per channel type (the webhook types and the website widget) linked to
// a Bitrix24 integration, then each fault while the load runs — and what each left behind (chaos-check.ts);
// at the end, every log line, response body and Kafka record of the run scanned for its credentials (secret-scan.ts).
import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { Pool } from 'pg';
import { checkScenario, type ScenarioFigures } from './chaos-check';
import type { ChaosContext, ChaosFault } from './chaos-faults';
import { ChaosLoad, deliverUntilAccepted } from './chaos-load';
import { ChaosReplies, checkReplies, NO_REPLIES, type ReplyFigures } from './chaos-replies';
import { type ApiCall, CHAOS_CHANNEL_TYPES, type ChaosChannel, createChaosChannel } from './chaos-platforms';
import { type ServiceRunner } from './chaos-stack';
import { startChaosSystem } from './chaos-system';
import { type NamedSecret, scanForSecrets, type SecretScanResult } from './secret-scan';

export interface ChaosOptions {
  runner: ServiceRunner;
  faults: ChaosFault[];
  chatsPerChannel: number;
  intervalMs: number;
  /** Load before the fault starts, and after every chat is accepted again. */
  warmupMs: number;
  settleMs: number;
  /** Concurrent deliveries of one webhook call per channel type (0: skip). */
  duplicateDeliveries: number;
  log: (line: string) => void;
}

export interface ChaosRow extends ScenarioFigures, ReplyFigures {
  fault: string;
  /** From the end of the fault until every chat's message was accepted again. */
  recoveryMs: number;
  /** The longest any message waited for its 2xx during the scenario (the outage as a platform saw it). */
  longestWaitMs: number;
  refusals: Record<string, number>;
}

export interface ChaosReport {
  rows: ChaosRow[];
  /** Every log line, response body and Kafka record of the run, scanned for the credentials it created. */
  secretScan: SecretScanResult;
  /** The service logs scanned for the message texts the run sent (texts must never be logged). */
  textScan: SecretScanResult;
  workDir: string;
  ok: boolean;
}

/** The scan is clean when it found nothing and read every Kafka record it meant to. */
export function secretScanIsClean(scan: SecretScanResult): boolean {
  return scan.findings.length === 0 && scan.scanned.kafkaComplete;
}

/**
 * A row is clean when nothing acknowledged is missing, doubled, reordered, misrouted or unforwarded — and no accepted
 * reply reached its customer twice, out of order, or not at all without saying so.
 */
export function rowIsClean(row: ScenarioFigures & ReplyFigures): boolean {
  const inbound = row.missing === 0 && row.duplicates === 0 && row.outOfOrder === 0 && row.badConversations === 0 && row.forwardedTwice === 0 && row.notForwarded === 0;
  return inbound && row.repliesDeliveredTwice === 0 && row.repliesLost === 0 && row.repliesOutOfOrder === 0;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const system = await startChaosSystem({
    name: 'crm-chaos',
    runner: options.runner,
    log: options.log,
    env: { LOG_LEVEL: 'info', KAFKA_SESSION_TIMEOUT_MS: '6000' },
    envOf: {
      // One accelerated timeline for every start of the service (a restart must not see due times hours away).
      integrations: { SYNC_CLOCK_RATE: '60', SYNC_CLOCK_ORIGIN: String(Date.now()), SYNC_POLL_MS: '100', SYNC_BATCH_LINGER_MS: '0', SYNC_BACKOFF_BASE_MS: '1000', SYNC_BACKOFF_MAX_MS: '60000', CRM_HTTP_TIMEOUT_MS: '2000', INTEGRATION_RECHECK_MS: '1000' },
    },
  });
  const { workDir, infra, fakes, secrets, stack, cleanups } = system;
  try {
    // A pool: PostgreSQL is stopped and restarted under it (an idle connection cut by that is dropped, not thrown).
    const db = new Pool({ connectionString: infra.databaseUrl, max: 3 });
    db.on('error', () => undefined);
    cleanups.push(() => db.end());

    const accountId = randomUUID();
    const token = sign({ sub: randomUUID(), accountId, role: 'admin' }, secrets.AUTH_JWT_SECRET, { algorithm: 'HS256', expiresIn: '6h' });
    const recorded = new RecordedResponses();
    const api = apiCaller(stack.publicUrl, token, recorded);
    const bitrix24Hook = fakes.bitrix24.addWebhook();
    const integration = await api('POST', '/api/v1/integrations', { type: 'bitrix24', name: 'Chaos portal', settings: { webhookUrl: bitrix24Hook.url } });
    if (integration.status !== 201) throw new Error(`integration not created: ${integration.status} ${JSON.stringify(integration.body)}`);
    const channels: ChaosChannel[] = [];
    for (const type of CHAOS_CHANNEL_TYPES) channels.push(await createChaosChannel(type, fakes, api, String(integration.body.id)));
    await Promise.all(channels.map((c) => waitUntilKnown(c)));
    options.log(`channels: ${channels.map((c) => `${c.type} ${c.channelId}`).join(', ')}`);

    const ctx: ChaosContext = { stack, infra, fakes, log: options.log };
    const agent = { publicUrl: stack.publicUrl, token };
    const rows: ChaosRow[] = [];
    const texts: string[] = [];
    for (const [index, fault] of options.faults.entries()) {
      rows.push(await runScenario(ctx, { db, accountId, channels, fault, scenario: `s${index}`, options, recorded, texts, agent }));
    }
    if (options.duplicateDeliveries > 0) rows.push(await runDuplicates(ctx, { db, accountId, channels, scenario: 'dup', options, recorded, texts, agent }));
    const runSecrets: NamedSecret[] = [
      { name: 'SECRETS_KEY', value: secrets.SECRETS_KEY },
      { name: 'AUTH_JWT_SECRET', value: secrets.AUTH_JWT_SECRET },
      { name: 'admin access token (JWT)', value: token },
      { name: 'bitrix24 webhook code', value: bitrix24Hook.code },
      ...channels.flatMap((c) => c.secrets),
    ];
    const secretScan = await scanRun(ctx, runSecrets, recorded);
    options.log(`secret scan: ${secretScan.findings.length} findings in ${secretScan.scanned.logFiles} logs, ${secretScan.scanned.responses} responses, ${secretScan.scanned.kafkaRecords} Kafka records`);
    const textScan = await scanForSecrets({ secrets: texts.map((value) => ({ name: 'message text', value })), logFiles: [...stack.services.keys()].map((n) => stack.logFile(n)), responses: [] });
    options.log(`text scan: ${textScan.findings.length} of ${texts.length} sampled message texts found in ${textScan.scanned.logFiles} service logs`);
    return { rows, secretScan, textScan, workDir, ok: rows.every(rowIsClean) && secretScanIsClean(secretScan) && textScan.findings.length === 0 };
  } finally {
    await system.close();
  }
}

interface ScenarioInput {
  db: Pool;
  accountId: string;
  channels: ChaosChannel[];
  scenario: string;
  options: ChaosOptions;
  recorded: RecordedResponses;
  /** A sample of the texts sent, for the log scan. */
  texts: string[];
  /** Where and as whom the scenario's agent replies. */
  agent: { publicUrl: string; token: string };
}

/** Response bodies of the run, each distinct body once per label (the load repeats the same answers thousands of times). */
class RecordedResponses {
  private readonly seen = new Set<string>();
  readonly all: Array<{ path: string; body: unknown }> = [];

  add(path: string, body: unknown): void {
    const key = `${path}\u0000${typeof body === 'string' ? body : JSON.stringify(body)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.all.push({ path, body });
  }
}

/** Calls the api as the run's admin; every answer's body is recorded for the secret scan (channels' without `connection`). */
function apiCaller(publicUrl: string, token: string, recorded: RecordedResponses): ApiCall {
  return async (method, path, body) => {
    const res = await fetch(`${publicUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'en' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: recorded as text, answered as an empty body (as before)
    }
    recorded.add(`${method} ${path}`, path.startsWith('/api/v1/channels') ? withoutConnection(parsed) : text);
    return { status: res.status, body: parsed };
  };
}

/** A channel response without its `connection` (the secrets we generated for the admin to paste, shown on purpose). */
function withoutConnection(body: Record<string, unknown>): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'connection').map(([k, v]) => [k, strip(v)]));
  };
  return strip(body) as Record<string, unknown>;
}

/**
 * The credentials scan: every service's log, every recorded response body (plus each service's /metrics and
 * /health/ready now) and every Kafka record under the run's prefix. Avito access tokens are the ones its fake issued to
 * the connector during the run.
 */
async function scanRun(ctx: ChaosContext, runSecrets: NamedSecret[], recorded: RecordedResponses): Promise<SecretScanResult> {
  const issuedAvitoTokens = [...new Set(ctx.fakes.avito.calls.map((c) => c.token).filter((t): t is string => !!t))];
  const names = [...ctx.stack.services.keys()];
  for (const name of names) {
    for (const path of ['/metrics', '/health/ready']) {
      const res = await fetch(`${ctx.stack.url(name)}${path}`).catch(() => undefined);
      if (res) recorded.add(`GET ${name}${path}`, await res.text());
    }
  }
  return scanForSecrets({
    secrets: [...runSecrets, ...issuedAvitoTokens.map((value) => ({ name: 'avito access token', value }))],
    logFiles: names.map((name) => ctx.stack.logFile(name)),
    responses: recorded.all,
    kafka: { brokers: ctx.infra.brokers, topicPrefix: ctx.infra.topicPrefix },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Up to `n` values spread evenly over the list. */
const sample = (values: string[], n: number) => (values.length <= n ? values : Array.from({ length: n }, (_, i) => values[Math.floor((i * values.length) / n)]));

/** How long the backlog may take to be stored and forwarded: the CRM fake takes ~100 records/s (Bitrix24's limits). */
const drainTimeoutMs = (messages: number) => Math.max(180_000, messages * 25);

/** Until the channel's connector knows it (a bare POST to its webhook is refused for being bare, not 404/503). */
async function waitUntilKnown(channel: ChaosChannel): Promise<void> {
  const { url, headers } = await channel.call('probe', 0, 'probe');
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    if (res && res.status !== 404 && res.status !== 503) return;
    if (Date.now() > deadline) throw new Error(`${channel.type} channel ${channel.channelId}: its connector does not know it after 60 s (${res?.status})`);
    await sleep(200);
  }
}

async function runScenario(ctx: ChaosContext, input: ScenarioInput & { fault: ChaosFault }): Promise<ChaosRow> {
  const { options } = input;
  options.log(`▶ ${input.fault.name}`);
  const load = new ChaosLoad(input.channels, {
    scenario: input.scenario,
    chatsPerChannel: options.chatsPerChannel,
    intervalMs: options.intervalMs,
    onAnswer: (channel, status, body) => input.recorded.add(`POST /webhooks/${channel.type} → ${status}`, body),
  });
  // Agents answer in every chat the load opens, at a quarter of the customers' pace.
  const replies = new ChaosReplies(input.channels, { scenario: input.scenario, chatsPerChannel: options.chatsPerChannel, intervalMs: options.intervalMs * 4, db: input.db, accountId: input.accountId, ...input.agent });
  load.start();
  replies.start();
  await sleep(options.warmupMs);
  await input.fault.run(ctx);
  const faultEnded = Date.now();
  while (load.chatsRetrying > 0 && Date.now() - faultEnded < 300_000) await sleep(100);
  const recoveryMs = Date.now() - faultEnded;
  await sleep(options.settleMs);
  await Promise.all([load.stop(), replies.stop()]);
  const figures = await checkScenario(input.db, ctx.fakes.bitrix24, { accountId: input.accountId, scenario: input.scenario, acked: load.acked, timeoutMs: drainTimeoutMs(load.acked.length) });
  const replyFigures = await checkReplies(input.db, input.channels, { accountId: input.accountId, acked: replies.acked, timeoutMs: drainTimeoutMs(replies.acked.length) });
  input.texts.push(...sample([...load.acked.map((m) => m.text), ...replies.acked.map((r) => r.text)], 100));
  const notes = [...figures.examples, ...replyFigures.replyExamples];
  options.log(`  ${figures.acked} acked, ${figures.stored} stored, ${replyFigures.repliesAcked} replies (${replyFigures.repliesDelivered} delivered once, ${replyFigures.repliesInDoubt} in doubt), recovered in ${recoveryMs} ms${notes.length ? `; ${notes.join('; ')}` : ''}`);
  const refusals = Object.fromEntries([...load.refusals, ...replies.refusals]);
  return { fault: input.fault.name, recoveryMs, longestWaitMs: load.longestWaitMs, refusals, ...figures, ...replyFigures };
}

/** The same webhook call delivered `duplicateDeliveries` times at once per channel type: stored once, forwarded once. */
async function runDuplicates(ctx: ChaosContext, input: ScenarioInput): Promise<ChaosRow> {
  const { options } = input;
  const n = options.duplicateDeliveries;
  options.log(`▶ ${n} concurrent deliveries of one webhook per channel type`);
  const started = Date.now();
  const refusals = new Map<string, number>();
  const acked = await Promise.all(
    input.channels.map(async (channel) => {
      const chat = `${input.scenario}-0`;
      const text = `chaos ${chat} ${channel.type} #0`;
      const call = await channel.call(chat, 0, text);
      await Promise.all(
        Array.from({ length: n }, () =>
          deliverUntilAccepted(call, {
            attemptTimeoutMs: 30_000,
            giveUpAfterMs: 120_000,
            onAttempt: (s) => typeof s !== 'number' || s >= 300 ? refusals.set(String(s), (refusals.get(String(s)) ?? 0) + 1) : undefined,
            onAnswer: (status, body) => input.recorded.add(`POST /webhooks/${channel.type} → ${status}`, body),
          }),
        ),
      );
      return { type: channel.type, channelId: channel.channelId, chat, seq: 0, text, ackedAt: Date.now(), attempts: n, waitedMs: Date.now() - started };
    }),
  );
  const figures = await checkScenario(input.db, ctx.fakes.bitrix24, { accountId: input.accountId, scenario: input.scenario, acked, timeoutMs: 120_000 });
  return { fault: `${n} duplicate deliveries × ${input.channels.length} types`, recoveryMs: Date.now() - started, longestWaitMs: Math.max(...acked.map((m) => m.waitedMs)), refusals: Object.fromEntries(refusals), ...figures, ...NO_REPLIES };
}
