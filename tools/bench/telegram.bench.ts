// `npm run bench:telegram` — the Telegram webhook path under load, end to end on this machine:
//   load generator → public origin (tools/dev-stack/gateway) → connector-telegram (own process) → Kafka (acks=all)
//   → lead-routing (own process) → Postgres.
// Many concurrent webhook deliveries over many chats (each chat one update at a time, as Telegram delivers), at a fixed
// offered rate. Reports accepted updates/s, p50/p99 time to answer the webhook (= webhook → stored on Kafka: the 200
// follows acks=all), webhook → stored in Postgres by lead-routing, the connector's RSS and every process's CPU.
// Target: p99 answer ≤ 25 ms at 1,000 updates/s.
//
// Knobs (env): BENCH_RATE (updates/s, 1000), BENCH_DURATION_S (20), BENCH_WARMUP_S (10: a fresh broker JVM is still
// compiling its hot paths for several seconds), BENCH_CHATS (5000),
// BENCH_BOTS (10), BENCH_ROUTING (1: also run lead-routing and measure webhook→Postgres; 0: connector only),
// BENCH_NODE_ARGS (extra node flags for the service processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
// Infrastructure as `npm start`/`npm test`: KAFKA_BROKERS / DATABASE_URL when set, else a local broker and server.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ensureDatabase, runMigrations } from '@crm/persistence';
import { FakeTelegramServer, freePort, provisionInfrastructure, repoRoot, withDatabase } from '@crm/testing';
import { countBy, deployedNodeOptions, cpuSeconds, diffHistogram, dropDatabase, mb, pct, recordsIn, round, routeHistogram, rssSampler, say, startChild, stopChild, until, waitHealthy } from './bench-support';
import { startPublicOrigin } from './public-origin.bench-support';
import { TelegramKit } from '../../apps/connector-telegram/src/testing/telegram-test-kit';

const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const RATE = env('BENCH_RATE', 1000);
const DURATION_S = env('BENCH_DURATION_S', 20);
const WARMUP_S = env('BENCH_WARMUP_S', 10);
const CHATS = env('BENCH_CHATS', 5000);
const BOTS = env('BENCH_BOTS', 10);
const ROUTING = process.env.BENCH_ROUTING !== '0';
const WEBHOOK_ROUTE = '/webhooks/telegram/:channelId';

interface Sample {
  channelId: string;
  externalMessageId: string;
  /** Wall clock at send (ms), comparable with Kafka/Postgres timestamps of this machine. */
  sentWall: number;
  started: number;
  answeredMs?: number;
  status?: number;
  measured: boolean;
}

async function main(): Promise<void> {
  const root = repoRoot();
  const run = randomBytes(4).toString('hex');
  const workDir = join(tmpdir(), `crm-bench-telegram-${run}`);
  mkdirSync(workDir, { recursive: true });
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    say(`Telegram webhook benchmark: ${RATE} updates/s for ${DURATION_S} s (+${WARMUP_S} s warm-up) over ${CHATS} chats of ${BOTS} bots${ROUTING ? ', with lead-routing' : ''}`);
    const infra = await provisionInfrastructure({ log: (l) => say(`  ${l}`) });
    cleanups.push(() => infra.stop());
    infra.description.forEach((d) => say(`  ${d}`));
    const databaseUrl = withDatabase(infra.postgresAdminUrl, `crm_bench_${run}`);
    await ensureDatabase(databaseUrl);
    cleanups.push(() => dropDatabase(infra.postgresAdminUrl, `crm_bench_${run}`));
    await runMigrations(databaseUrl);
    const prefix = `bench-${run}.`;
    const secretsKey = randomBytes(32).toString('base64');

    const tg = await FakeTelegramServer.start();
    cleanups.push(() => tg.close());
    const kit = await TelegramKit.start({ brokers: infra.kafkaBrokers, topicPrefix: prefix, secretsKey });
    cleanups.push(() => kit.close());

    // One account, BOTS channels (rows for lead-routing, config records for the connector).
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const accountId = randomUUID();
    await db.query(`INSERT INTO accounts (id, name) VALUES ($1, 'Bench')`, [accountId]);
    const channels: Array<{ channelId: string; token: string; secret?: string }> = [];
    for (let i = 0; i < BOTS; i++) {
      const channelId = randomUUID();
      const { token } = tg.addBot();
      await db.query(
        `INSERT INTO channels (id, account_id, type, name, status, create_client_on_first_message) VALUES ($1, $2, 'telegram', $3, 'active', true)`,
        [channelId, accountId, `bench bot ${i}`],
      );
      await kit.publishChannel({ channelId, accountId, botToken: token, webhookSecret: randomBytes(24).toString('base64url') });
      channels.push({ channelId, token });
    }

    // The public origin and the services, each a process of its own (built by `node tools/build.js`).
    const connectorPort = await freePort();
    const originPort = await freePort();
    const { process: origin, description: originDescription } = startPublicOrigin({ type: 'telegram', connectorPort, originPort, workDir });
    cleanups.push(() => stopChild(origin));
    say(`  public origin: ${originDescription}`);
    const publicUrl = `http://127.0.0.1:${originPort}`;
    const serviceEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      SECRETS_KEY: secretsKey,
      PUBLIC_URL: publicUrl,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_HEALTH_INTERVAL_MS: '600000',
      LOG_LEVEL: 'warn',
    };
    const connector = startChild('connector-telegram', join(root, 'dist/apps/connector-telegram/src/main.js'), { ...serviceEnv, ...deployedNodeOptions('connector-telegram'), PORT: String(connectorPort) }, workDir);
    cleanups.push(() => stopChild(connector));
    let routing: ChildProcess | undefined;
    const waits = [
      waitHealthy(`http://127.0.0.1:${connectorPort}/health`, connector),
      until(async () => (await fetch(`${publicUrl}/`).catch(() => undefined)) ?? undefined, 30_000, 'the public origin'),
    ];
    if (ROUTING) {
      const routingPort = await freePort();
      routing = startChild('lead-routing', join(root, 'dist/apps/lead-routing/src/main.js'), { ...serviceEnv, ...deployedNodeOptions('lead-routing'), PORT: String(routingPort) }, workDir);
      const child = routing;
      cleanups.push(() => stopChild(child));
      waits.push(waitHealthy(`http://127.0.0.1:${routingPort}/health`, child));
    }
    await Promise.all(waits);
    for (const c of channels) {
      const webhook = await until(() => tg.webhookOf(c.token), 30_000, 'setWebhook of every bot');
      c.secret = webhook.secretToken;
    }
    say(`  connector pid ${connector.pid} behind ${publicUrl}; logs in ${workDir}`);

    const rss = rssSampler(connector.pid!);
    // The broker this run started (a java child of this process); absent when KAFKA_BROKERS points elsewhere.
    const brokerPid = childPids(process.pid).find((pid) => commandOf(pid) === 'java');
    const cpuAtStart = { connector: cpuSeconds(connector.pid!), broker: brokerPid ? cpuSeconds(brokerPid) : 0, origin: cpuSeconds(origin.pid!), routing: routing ? cpuSeconds(routing.pid!) : 0, bench: process.cpuUsage(), machine: machineTicks() };
    cleanups.push(() => rss.stop());
    const idleRss = rss.current();
    // What the connector burns with no traffic (consumers polling, heartbeats), to read the loaded figure against.
    const idleCpuStart = cpuSeconds(connector.pid!);
    const idleMachineStart = machineTicks();
    await new Promise((r) => setTimeout(r, 3000));
    const idleCpuPercent = round(((cpuSeconds(connector.pid!) - idleCpuStart) / 3) * 100);
    const idleMachine = machineTicks();
    // How busy the machine is before any load: other tenants' work competes with everything measured here.
    const backgroundBusyPercent = round(((idleMachine.busy - idleMachineStart.busy) / Math.max(1, idleMachine.total - idleMachineStart.total)) * 100);

    // --- load ------------------------------------------------------------------------------------------------------
    const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
    const idle: number[] = Array.from({ length: CHATS }, (_, i) => i);
    const nextMessageId = new Array<number>(CHATS).fill(0);
    const nextUpdateId = new Array<number>(BOTS).fill(1_000_000);
    const samples: Sample[] = [];
    let noIdleChat = 0;
    const total = Math.round(RATE * (WARMUP_S + DURATION_S));
    const loadStarted = performance.now();
    const measureFrom = loadStarted + WARMUP_S * 1000;
    // The connector's own histogram, read when the warm-up ends, to count only the measured part of the run.
    const serverSideBefore = new Promise<Map<number, number>>((resolve) => setTimeout(() => resolve(routeHistogram(`http://127.0.0.1:${connectorPort}/metrics`, WEBHOOK_ROUTE)), WARMUP_S * 1000));
    let inFlight = 0;

    const send = (chat: number) => {
      const bot = chat % BOTS;
      const c = channels[bot];
      const chatId = 100_000_000 + chat;
      const messageId = ++nextMessageId[chat];
      const body = JSON.stringify({
        update_id: ++nextUpdateId[bot],
        message: {
          message_id: messageId,
          from: { id: chatId, is_bot: false, first_name: 'Покупатель', last_name: String(chat), username: `buyer_${chat}`, language_code: 'ru' },
          chat: { id: chatId, type: 'private', first_name: 'Покупатель', last_name: String(chat), username: `buyer_${chat}` },
          date: Math.floor(Date.now() / 1000),
          text: `Здравствуйте! Вопрос №${messageId} по заказу ${chat}: когда будет доставка?`,
        },
      });
      const started = performance.now();
      const sample: Sample = { channelId: c.channelId, externalMessageId: `${chatId}:${messageId}`, sentWall: Date.now(), started, measured: started >= measureFrom };
      samples.push(sample);
      inFlight += 1;
      const req = request(
        `${publicUrl}/webhooks/telegram/${c.channelId}`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': c.secret } },
        (res) => {
          res.resume();
          res.on('end', () => {
            sample.answeredMs = performance.now() - started;
            sample.status = res.statusCode;
            inFlight -= 1;
            idle.push(chat);
          });
        },
      );
      req.on('error', () => {
        sample.answeredMs = performance.now() - started;
        sample.status = 0;
        inFlight -= 1;
        idle.push(chat);
      });
      req.end(body);
    };

    await new Promise<void>((resolve) => {
      let sent = 0;
      let cursor = 0;
      const tick = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - loadStarted) / 1000) * RATE));
        while (sent < due) {
          // Each chat has at most one update in flight (Telegram's per-chat order); chats are taken round-robin.
          const chat = idle.length > 0 ? idle.splice(cursor++ % idle.length, 1)[0] : undefined;
          if (chat === undefined) {
            noIdleChat += 1;
            break;
          }
          send(chat);
          sent += 1;
        }
        if (sent >= total) {
          clearInterval(tick);
          resolve();
        }
      }, 1);
    });
    await until(() => inFlight === 0 || undefined, 60_000, 'every webhook answered');
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const benchCpu = process.cpuUsage(cpuAtStart.bench);
    const machineEnd = machineTicks();
    const cpu = {
      connectorPercentOfCore: round(((cpuSeconds(connector.pid!) - cpuAtStart.connector) / loadSeconds) * 100),
      connectorIdlePercentOfCore: idleCpuPercent,
      benchProcessPercentOfCore: round(((benchCpu.user + benchCpu.system) / 1e6 / loadSeconds) * 100),
      kafkaBrokerPercentOfCore: brokerPid ? round(((cpuSeconds(brokerPid) - cpuAtStart.broker) / loadSeconds) * 100) : null,
      publicOriginPercentOfCore: round(((cpuSeconds(origin.pid!) - cpuAtStart.origin) / loadSeconds) * 100),
      leadRoutingPercentOfCore: routing ? round(((cpuSeconds(routing.pid!) - cpuAtStart.routing) / loadSeconds) * 100) : null,
      machineBusyBeforeLoadPercent: backgroundBusyPercent,
      machineBusyPercent: round(((machineEnd.busy - cpuAtStart.machine.busy) / Math.max(1, machineEnd.total - cpuAtStart.machine.total)) * 100),
      machineCores: availableParallelism(),
      loadAverage: loadavg().map(round),
    };
    const peakRss = rss.peak();
    const serverSide = diffHistogram(await routeHistogram(`http://127.0.0.1:${connectorPort}/metrics`, WEBHOOK_ROUTE), await serverSideBefore);

    // --- drain -----------------------------------------------------------------------------------------------------
    const accepted = samples.filter((s) => s.status === 200);
    // Every 200 was preceded by acks=all: the inbound topic holds exactly that many records.
    const onKafka = await recordsIn(kit.connection, 'channels.inbound.v1');
    let stored = new Map<string, number>();
    if (ROUTING) {
      await until(async () => {
        const rows = (await db.query(`SELECT count(*)::int AS n FROM messages WHERE account_id = $1 AND direction = 'in'`, [accountId])).rows as Array<{ n: number }>;
        return rows[0].n >= accepted.length || undefined;
      }, 120_000, 'every accepted update stored by lead-routing').catch((e: Error) => say(`  ! ${e.message}`));
      const rows = (await db.query(
        `SELECT channel_id, external_id, (extract(epoch from created_at) * 1000)::float8 AS at FROM messages WHERE account_id = $1 AND direction = 'in'`,
        [accountId],
      )).rows as Array<{ channel_id: string; external_id: string; at: number }>;
      stored = new Map(rows.map((r) => [`${r.channel_id}|${r.external_id}`, r.at]));
    }

    // --- report ----------------------------------------------------------------------------------------------------
    const measured = samples.filter((s) => s.measured);
    const ok = measured.filter((s) => s.status === 200);
    const answers = ok.map((s) => s.answeredMs!);
    const toDb = ok.map((s) => stored.get(`${s.channelId}|${s.externalMessageId}`)).map((at, i) => (at === undefined ? undefined : at - ok[i].sentWall)).filter((v): v is number => v !== undefined);
    const measuredSpan = (Math.max(...measured.map((s) => s.started + (s.answeredMs ?? 0))) - Math.min(...measured.map((s) => s.started))) / 1000;
    const statusCounts = countBy(measured.map((s) => String(s.status)));
    const result = {
      offeredRate: RATE,
      durationS: DURATION_S,
      chats: CHATS,
      bots: BOTS,
      sent: measured.length,
      statuses: statusCounts,
      acceptedPerSecond: round(ok.length / measuredSpan),
      answerMs: { p50: pct(answers, 50), p90: pct(answers, 90), p99: pct(answers, 99), max: pct(answers, 100) },
      recordsOnKafka: onKafka,
      webhookToPostgresMs: ROUTING ? { p50: pct(toDb, 50), p99: pct(toDb, 99), count: toDb.length } : null,
      connectorServerSide: serverSide,
      connectorRssMb: { idle: mb(idleRss), peak: mb(peakRss), end: mb(rss.current()) },
      cpu,
      chatsBusy: noIdleChat,
      loadSeconds: round(loadSeconds),
    };
    say('');
    say(`accepted          ${ok.length} of ${measured.length} measured updates (statuses ${JSON.stringify(statusCounts)}) → ${result.acceptedPerSecond} updates/s`);
    say(`answer (public origin → connector → Kafka acks=all → 200)   p50 ${result.answerMs.p50} ms   p90 ${result.answerMs.p90} ms   p99 ${result.answerMs.p99} ms   max ${result.answerMs.max} ms`);
    say(`records on channels.inbound.v1: ${onKafka} (accepted ${accepted.length}, warm-up included) — the 200 came after acks=all, so answer time is webhook → stored on Kafka`);
    if (result.webhookToPostgresMs) say(`webhook → stored in Postgres by lead-routing                p50 ${result.webhookToPostgresMs.p50} ms   p99 ${result.webhookToPostgresMs.p99} ms   (${toDb.length} rows)`);
    say(`inside the connector (request in → 200 out, crm_http_request_duration_seconds): ${serverSide.within25ms}% within 25 ms, p50 ≤ ${serverSide.p50Bound} ms, p99 ≤ ${serverSide.p99Bound} ms`);
    say(`connector RSS     idle ${result.connectorRssMb.idle} MB   peak ${result.connectorRssMb.peak} MB   end ${result.connectorRssMb.end} MB`);
    say(`CPU               connector ${cpu.connectorPercentOfCore}% of a core (idle ${cpu.connectorIdlePercentOfCore}%), Kafka broker ${cpu.kafkaBrokerPercentOfCore ?? '?'}%, public origin ${cpu.publicOriginPercentOfCore}%,${cpu.leadRoutingPercentOfCore === null ? '' : ` lead-routing ${cpu.leadRoutingPercentOfCore}%,`} load generator ${cpu.benchProcessPercentOfCore}%; machine ${cpu.machineBusyPercent}% busy, ${cpu.machineBusyBeforeLoadPercent}% before the load (${cpu.machineCores} cores, load average ${cpu.loadAverage.join(' ')})`);
    const met = result.answerMs.p99 <= 25 && result.acceptedPerSecond >= RATE * 0.97 && ok.length === measured.length && onKafka >= accepted.length;
    say(`target (p99 answer ≤ 25 ms at ${RATE} updates/s, all accepted): ${met ? 'MET' : 'NOT MET'}`);
    if (process.env.BENCH_VERBOSE === '1') {
      // Per second of the run: answered, p50, p99, max — to tell steady queueing from stalls.
      const bySecond = new Map<number, number[]>();
      for (const s of samples) if (s.answeredMs !== undefined) bySecond.set(Math.floor((s.started - loadStarted) / 1000), [...(bySecond.get(Math.floor((s.started - loadStarted) / 1000)) ?? []), s.answeredMs]);
      for (const [second, values] of [...bySecond].sort((a, b) => a[0] - b[0])) say(`  t=${second}s n=${values.length} p50 ${pct(values, 50)} p99 ${pct(values, 99)} max ${pct(values, 100)}`);
    }
    say(`RESULT ${JSON.stringify(result)}`);
    agent.destroy();
  } finally {
    await cleanup();
  }
}

// --- helpers ---------------------------------------------------------------------------------------------------------

/** Direct children of a process (Linux /proc). */
function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === parent;
      } catch {
        return false;
      }
    });
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell a CPU-bound run from a slow path. */
function machineTicks(): { busy: number; total: number } {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const values = fields.map(Number);
    const idle = values[3] + (values[4] ?? 0);
    const total = values.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

main().catch((err: unknown) => {
  say(`bench:telegram failed: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
