// The open-loop webhook benchmark of any connector, end to end on this machine:
//   load generator → public origin (tools/dev-stack/gateway, own process) → connector (own process) → Kafka
//   (acks=all) → lead-routing (own process) → Postgres.
// A connector's benchmark (tools/bench/<type>.bench.ts) supplies its platform: the fake, the channels, one POST.
// This runs the rest — infrastructure, the three processes, the load (a warm-up, a pause until it is all answered, then
// the measured window, each open loop at the rate), the drain and the report — and prints the figures the targets are
// judged by (of the measured window): accepted messages/s, the connector's own answer time (request in → 2xx out, from
// its crm_http_request_duration_seconds histogram), the client-side answer, webhook → stored in Postgres, RSS, CPU.
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ConnectorTestKit } from '@crm/connector-kit';
import { ensureDatabase, runMigrations } from '@crm/persistence';
import { freePort, provisionInfrastructure, repoRoot, withDatabase } from '@crm/testing';
import { startPublicOrigin } from './public-origin.bench-support';
import { countBy, deployedNodeOptions, machineReference, cpuSeconds, histogramTotals, machineTicks, diffHistogram, dropDatabase, mb, pct, recordsIn, round, routeHistogram, rssSampler, say, startChild, stopChild, until, waitHealthy } from './bench-support';

/** What the benchmark of one platform gives once its fake and channels exist. */
export interface WebhookBenchPlatform {
  /** Extra env of the connector (the fake's URL, long health intervals…). */
  connectorEnv: NodeJS.ProcessEnv;
  /** Resolves when the connector is ready to take the load (registry loaded, webhooks subscribed…). */
  ready(publicUrl: string): Promise<void>;
  /** The seq-th POST: path on the public origin, headers, body, and the external ids of the messages it carries. */
  post(seq: number): { path: string; headers: Record<string, string>; body: string; messageIds: string[] };
  /** Platform figures added to the result (e.g. chat-info calls); read after the drain. */
  extras?(db: Client, accountId: string): Promise<Record<string, unknown>>;
}

export interface WebhookBenchSpec {
  /** Channel type = connector-<type>, route /webhooks/<type>/:channelId. */
  type: string;
  title: string;
  postsPerSecond: number;
  durationS: number;
  warmupS: number;
  /** Creates the fake and the channels (rows in `db`, records through `kit`). */
  setup(ctx: { kit: ConnectorTestKit; db: Client; accountId: string; cleanups: Array<() => unknown> }): Promise<WebhookBenchPlatform>;
}

interface Post {
  messageIds: string[];
  sentWall: number;
  started: number;
  measured: boolean;
  answeredMs?: number;
  status?: number;
}

export async function runWebhookBench(spec: WebhookBenchSpec): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const workDir = join(tmpdir(), `crm-bench-${spec.type}-${run}`);
  mkdirSync(workDir, { recursive: true });
  const cleanups: Array<() => unknown> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    say(spec.title);
    const reference = machineReference();
    say(`  machine reference (lower is faster): JSON round trip ×100k ${reference.jsonRoundTripMs} ms, SHA-256 of 64 MiB ${reference.sha256Ms} ms`);
    const infra = await provisionInfrastructure({ log: (l) => say(`  ${l}`) });
    cleanups.push(() => infra.stop());
    infra.description.forEach((d) => say(`  ${d}`));
    const databaseUrl = withDatabase(infra.postgresAdminUrl, `crm_bench_${run}`);
    await ensureDatabase(databaseUrl);
    cleanups.push(() => dropDatabase(infra.postgresAdminUrl, `crm_bench_${run}`));
    await runMigrations(databaseUrl);
    const prefix = `bench-${run}.`;
    const secretsKey = randomBytes(32).toString('base64');
    const kit = await ConnectorTestKit.start({ brokers: infra.kafkaBrokers, topicPrefix: prefix, secretsKey });
    cleanups.push(() => kit.close());
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const accountId = randomUUID();
    await db.query(`INSERT INTO accounts (id, name) VALUES ($1, 'Bench')`, [accountId]);
    const platform = await spec.setup({ kit, db, accountId, cleanups });

    const stack = await startProcesses(spec.type, { databaseUrl, brokers: infra.kafkaBrokers, prefix, secretsKey, extraEnv: platform.connectorEnv, workDir, cleanups });
    await platform.ready(stack.publicUrl);
    say(`  connector pid ${stack.connector.pid} behind ${stack.publicUrl}; logs in ${workDir}`);
    const figures = await load(spec, platform, stack, cleanups);
    await report(spec, platform, { db, accountId, kit, reference, ...figures });
  } finally {
    await cleanup();
  }
}

interface Stack {
  publicUrl: string;
  connectorPort: number;
  routingPort: number;
  connector: ChildProcess;
  routing: ChildProcess;
  origin: ChildProcess;
}

async function startProcesses(
  type: string,
  o: { databaseUrl: string; brokers: string[]; prefix: string; secretsKey: string; extraEnv: NodeJS.ProcessEnv; workDir: string; cleanups: Array<() => unknown> },
): Promise<Stack> {
  const root = repoRoot();
  const [connectorPort, originPort, routingPort] = [await freePort(), await freePort(), await freePort()];
  const { process: origin, description } = startPublicOrigin({ type, connectorPort, originPort, workDir: o.workDir });
  o.cleanups.push(() => stopChild(origin));
  say(`  public origin: ${description}`);
  const publicUrl = `http://127.0.0.1:${originPort}`;
  const serviceEnv = { ...process.env, DATABASE_URL: o.databaseUrl, KAFKA_BROKERS: o.brokers.join(','), KAFKA_TOPIC_PREFIX: o.prefix, SECRETS_KEY: o.secretsKey, PUBLIC_URL: publicUrl, LOG_LEVEL: 'warn', ...o.extraEnv };
  const connector = startChild(`connector-${type}`, join(root, `dist/apps/connector-${type}/src/main.js`), { ...serviceEnv, ...deployedNodeOptions(`connector-${type}`), PORT: String(connectorPort) }, o.workDir);
  o.cleanups.push(() => stopChild(connector));
  const routing = startChild('lead-routing', join(root, 'dist/apps/lead-routing/src/main.js'), { ...serviceEnv, ...deployedNodeOptions('lead-routing'), PORT: String(routingPort) }, o.workDir);
  o.cleanups.push(() => stopChild(routing));
  await Promise.all([
    waitHealthy(`http://127.0.0.1:${connectorPort}/health`, connector),
    waitHealthy(`http://127.0.0.1:${routingPort}/health`, routing),
    until(async () => (await fetch(`${publicUrl}/`).catch(() => undefined)) ?? undefined, 30_000, 'the public origin'),
  ]);
  return { publicUrl, connectorPort, routingPort, connector, routing, origin };
}

async function load(spec: WebhookBenchSpec, platform: WebhookBenchPlatform, stack: Stack, cleanups: Array<() => unknown>) {
  const route = `/webhooks/${spec.type}/:channelId`;
  const metricsUrl = `http://127.0.0.1:${stack.connectorPort}/metrics`;
  const rss = rssSampler(stack.connector.pid!);
  cleanups.push(() => rss.stop());
  const idleRss = rss.current();
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  cleanups.push(() => agent.destroy());
  // Every POST built before the clock starts: the load generator shares the two cores with what it measures.
  const warmupPosts = Math.round(spec.postsPerSecond * spec.warmupS);
  const totalPosts = warmupPosts + Math.round(spec.postsPerSecond * spec.durationS);
  const planned = Array.from({ length: totalPosts }, (_, seq) => {
    const { path, headers, body, messageIds } = platform.post(seq);
    return { path, headers, body: Buffer.from(body), messageIds };
  });
  const posts: Post[] = [];
  let inFlight = 0;
  const send = (seq: number, measured: boolean) => {
    const { path, headers, body, messageIds } = planned[seq];
    const started = performance.now();
    const post: Post = { messageIds, sentWall: Date.now(), started, measured };
    posts.push(post);
    inFlight += 1;
    const done = (status: number) => {
      post.answeredMs = performance.now() - started;
      post.status = status;
      inFlight -= 1;
    };
    const req = request(`${stack.publicUrl}${path}`, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', () => done(0));
    req.end(body);
  };

  // Warm-up: every sender / chat reached once (names, chat info fetched and cached, code optimized), then a pause
  // until all of it is answered — the measured window starts in the steady state, not behind the warm-up's backlog.
  await openLoop(0, warmupPosts, spec.postsPerSecond, (seq) => send(seq, false));
  await until(() => inFlight === 0 || undefined, 120_000, 'every warm-up webhook answered');
  await new Promise((r) => setTimeout(r, 1_000));

  const pids = { connector: stack.connector.pid!, routing: stack.routing.pid!, origin: stack.origin.pid! };
  const cpuStart = { connector: cpuSeconds(pids.connector), routing: cpuSeconds(pids.routing), origin: cpuSeconds(pids.origin) };
  const machineStart = machineTicks();
  const routingMetricsUrl = `http://127.0.0.1:${stack.routingPort}/metrics`;
  const batchesStart = await histogramTotals(routingMetricsUrl, 'crm_lead_routing_batch_size');
  const before = await routeHistogram(metricsUrl, route);
  const generatorCpuStart = process.cpuUsage();
  const loadStarted = performance.now();
  await openLoop(warmupPosts, totalPosts, spec.postsPerSecond, (seq) => send(seq, true));
  await until(() => inFlight === 0 || undefined, 60_000, 'every webhook answered');
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const percentOfCore = (pid: number, start: number) => round(((cpuSeconds(pid) - start) / loadSeconds) * 100);
  const generatorCpu = process.cpuUsage(generatorCpuStart);
  const machineEnd = machineTicks();
  const batchesEnd = await histogramTotals(routingMetricsUrl, 'crm_lead_routing_batch_size');
  const transactions = batchesEnd.count - batchesStart.count;
  return {
    posts,
    serverSide: diffHistogram(await routeHistogram(metricsUrl, route), before),
    rssMb: { idle: mb(idleRss), peak: mb(rss.peak()), end: mb(rss.current()), peakPrivate: mb(rss.peakAnon()) },
    // Over the measured window.
    cpu: {
      connectorPercentOfCore: percentOfCore(pids.connector, cpuStart.connector),
      leadRoutingPercentOfCore: percentOfCore(pids.routing, cpuStart.routing),
      publicOriginPercentOfCore: percentOfCore(pids.origin, cpuStart.origin),
      // This process: the load generator and the platform's fake API.
      loadGeneratorPercentOfCore: round(((generatorCpu.user + generatorCpu.system) / 1e6 / loadSeconds) * 100),
      // Everything on the machine (Kafka, Postgres and the load generator included), as a share of all its cores.
      machineBusyPercent: round(((machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total)) * 100),
    },
    // lead-routing's transactions during the measured window and the inbound events each one routed.
    routingTransactions: { count: transactions, meanEvents: transactions ? round((batchesEnd.sum - batchesStart.sum) / transactions) : 0 },
  };
}

/** Sends posts [from, to) at `perSecond`, open loop (on schedule whatever the answers do); resolves once all are sent. */
function openLoop(from: number, to: number, perSecond: number, send: (seq: number) => void): Promise<void> {
  const started = performance.now();
  let next = from;
  return new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(to, from + Math.floor(((performance.now() - started) / 1000) * perSecond));
      while (next < due) send(next++);
      if (next >= to) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
}

async function report(
  spec: WebhookBenchSpec,
  platform: WebhookBenchPlatform,
  r: {
    db: Client;
    accountId: string;
    kit: ConnectorTestKit;
    reference: ReturnType<typeof machineReference>;
    posts: Post[];
    serverSide: ReturnType<typeof diffHistogram>;
    rssMb: { idle: number; peak: number; end: number; peakPrivate: number };
    cpu: Record<string, number>;
    routingTransactions: { count: number; meanEvents: number };
  },
): Promise<void> {
  // Drain: every accepted message stored by lead-routing.
  const accepted = r.posts.filter((p) => p.status === 200).reduce((n, p) => n + p.messageIds.length, 0);
  const onKafka = await recordsIn(r.kit.connection, 'channels.inbound.v1');
  const countIn = async () => ((await r.db.query(`SELECT count(*)::int AS n FROM messages WHERE account_id = $1 AND direction = 'in'`, [r.accountId])).rows[0] as { n: number }).n;
  await until(async () => ((await countIn()) >= accepted ? true : undefined), 180_000, 'every accepted message stored by lead-routing').catch((e: Error) => say(`  ! ${e.message}`));
  const rows = (await r.db.query(`SELECT external_id, (extract(epoch from created_at) * 1000)::float8 AS at FROM messages WHERE account_id = $1 AND direction = 'in'`, [r.accountId])).rows as Array<{ external_id: string; at: number }>;
  const storedAt = new Map(rows.map((row) => [row.external_id, row.at]));

  const measured = r.posts.filter((p) => p.measured);
  const ok = measured.filter((p) => p.status === 200);
  const okMessages = ok.reduce((n, p) => n + p.messageIds.length, 0);
  const answers = ok.map((p) => p.answeredMs!);
  const toDb = ok.flatMap((p) => p.messageIds.map((id) => storedAt.get(id)).filter((at): at is number => at !== undefined).map((at) => at - p.sentWall));
  const span = (Math.max(...measured.map((p) => p.started + (p.answeredMs ?? 0))) - Math.min(...measured.map((p) => p.started))) / 1000;
  const result = {
    type: spec.type,
    postsPerSecond: spec.postsPerSecond,
    durationS: spec.durationS,
    posts: measured.length,
    statuses: countBy(measured.map((p) => String(p.status))),
    acceptedMessagesPerSecond: round(okMessages / span),
    serverSide: r.serverSide,
    clientAnswerMs: { p50: pct(answers, 50), p99: pct(answers, 99), max: pct(answers, 100) },
    webhookToStoredMs: { p50: pct(toDb, 50), p99: pct(toDb, 99), count: toDb.length },
    recordsOnKafka: onKafka,
    connectorRssMb: r.rssMb,
    cpu: r.cpu,
    routingTransactions: r.routingTransactions,
    machineReference: r.reference,
    ...(platform.extras ? await platform.extras(r.db, r.accountId) : {}),
  };
  const s = r.serverSide;
  say('');
  say(`accepted          ${okMessages} messages in ${ok.length} of ${measured.length} measured POSTs (${JSON.stringify(result.statuses)}) → ${result.acceptedMessagesPerSecond} messages/s`);
  say(`connector (request in → 2xx out): ${s.within25ms}% within 25 ms, p50 ≤ ${s.p50Bound} ms, p99 ≤ ${s.p99Bound} ms (${s.requests} requests)`);
  say(`client-side answer (through the public origin)   p50 ${result.clientAnswerMs.p50} ms   p99 ${result.clientAnswerMs.p99} ms   max ${result.clientAnswerMs.max} ms`);
  say(`webhook → stored in Postgres by lead-routing     p50 ${result.webhookToStoredMs.p50} ms   p99 ${result.webhookToStoredMs.p99} ms   (${toDb.length} messages)`);
  say(`records on channels.inbound.v1: ${onKafka} (accepted ${accepted}, warm-up included)`);
  say(`connector RSS     idle ${r.rssMb.idle} MB   peak ${r.rssMb.peak} MB   end ${r.rssMb.end} MB   (peak private ${r.rssMb.peakPrivate} MB; the rest is mapped files, mostly the node binary)`);
  say(`CPU               connector ${r.cpu.connectorPercentOfCore}% of a core, lead-routing ${r.cpu.leadRoutingPercentOfCore}%, public origin ${r.cpu.publicOriginPercentOfCore}%, load generator ${r.cpu.loadGeneratorPercentOfCore}%; machine ${r.cpu.machineBusyPercent}% busy`);
  say(`lead-routing      ${r.routingTransactions.count} transactions, ${r.routingTransactions.meanEvents} events each on average`);
  const p99Bound = typeof s.p99Bound === 'number' ? s.p99Bound : Infinity;
  const met = ok.length === measured.length && p99Bound <= 25 && result.webhookToStoredMs.p99 <= 250 && r.rssMb.peak <= 150;
  say(`targets (all accepted, server-side p99 ≤ 25 ms, stored p99 ≤ 250 ms, RSS ≤ 150 MB): ${met ? 'MET' : 'NOT MET'}`);
  say(`RESULT ${JSON.stringify(result)}`);
}
