// `npm run bench:routing` — throughput and latency of lead-routing against real Kafka and Postgres, and the floor.
//
// 1. Provisions Kafka + Postgres (KAFKA_BROKERS / DATABASE_URL when set, like `npm start`), two fresh databases.
// 2. Pre-produces N normalized inbound messages over many chats on four channels with every routing toggle on — a
//    realistic mix: most chats are known senders (identity), some new senders match an existing client by phone, the
//    rest are new (client + lead created); every chat's first message starts a conversation.
// 3. Boots lead-routing in-process and times until all N are stored (messages/s).
// 4. Floor: the very rows the pipeline wrote (clients, identities, dialogs, leads, messages, outbox events), inserted
//    again into an empty database with plain multi-row INSERTs — what storing them costs without Kafka or routing.
// 5. Latency: with the service running, produces at a steady rate and measures produce → stored per message.
// Prints a JSON report and a human summary. Tunables: BENCH_MESSAGES, BENCH_CHATS, BENCH_LATENCY_MESSAGES,
// BENCH_LATENCY_RATE, BENCH_ROUNDS (median of rounds; default 3), BENCH_WARMUP_MESSAGES (an uncounted first round;
// default 5000, 0 = none), ROUTING_BATCH_SIZE, ROUTING_PARTITION_CONCURRENCY.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { register } from 'prom-client';
import { chatKey, createEnvelope, encodeEnvelope, TOPIC_SPECS, Topics, type InboundMessageData } from '@crm/contracts';
import { ensureTopics, EventProducer, KafkaConnection } from '@crm/messaging';
import { createTestDatabase, type TestDatabase } from '@crm/persistence';
import { applyServiceV8Flags, startService, type RunningService } from '@crm/service-kit';
import { provisionInfrastructure, uniqueTopicPrefix } from '@crm/testing';
import type { LeadRoutingConfig } from '../../apps/lead-routing/src/config/lead-routing.config';
import { leadRoutingService } from '../../apps/lead-routing/src/lead-routing.service-definition';

const N = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CHATS = Number(process.env.BENCH_CHATS ?? 2_000);
const LATENCY_MESSAGES = Number(process.env.BENCH_LATENCY_MESSAGES ?? 6_000);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 1_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const WARMUP = Number(process.env.BENCH_WARMUP_MESSAGES ?? 5_000);
const KNOWN_SHARE = 0.6; // chats whose sender is a known identity
const PHONE_SHARE = 0.15; // chats whose new sender matches an existing client by phone
const CHANNEL_TYPES = ['telegram', 'whatsapp', 'vk', 'avito'] as const;

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Chat {
  channel: number;
  chatId: string;
  userId: string;
  phone: string;
  kind: 'known' | 'phone' | 'new';
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function seed(url: string, chats: Chat[]): Promise<{ accountId: string; channelIds: string[] }> {
  return withClient(url, async (c) => {
    const accountId = randomUUID();
    await c.query(`INSERT INTO accounts (id, name) VALUES ($1, 'bench')`, [accountId]);
    const { rows: [funnel] } = await c.query(`INSERT INTO funnels (account_id, name) VALUES ($1, 'Продажи') RETURNING id`, [accountId]);
    const { rows: [stage] } = await c.query(`INSERT INTO funnel_stages (account_id, funnel_id, name, position) VALUES ($1, $2, 'Новые', 0) RETURNING id`, [accountId, funnel.id]);
    const channelIds: string[] = [];
    for (const type of CHANNEL_TYPES) {
      const { rows: [ch] } = await c.query(
        `INSERT INTO channels (account_id, type, name, status, funnel_id, stage_id, create_lead_on_first_message, find_existing_lead, create_client_on_first_message, auto_match_client)
         VALUES ($1, $2, $3, 'active', $4, $5, true, true, true, true) RETURNING id`,
        [accountId, type, `bench ${type}`, funnel.id, stage.id],
      );
      channelIds.push(ch.id);
    }
    // Known senders: a client and its identity on the chat's channel. Phone matches: a client with the phone only.
    const clients = chats.filter((chat) => chat.kind !== 'new').map((chat) => ({ id: randomUUID(), chat }));
    for (let i = 0; i < clients.length; i += 1000) {
      const part = clients.slice(i, i + 1000);
      await c.query(`INSERT INTO clients (id, account_id, name, phone_e164) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`, [
        part.map((p) => p.id),
        part.map(() => accountId),
        part.map((p) => `Клиент ${p.chat.userId}`),
        part.map((p) => p.chat.phone),
      ]);
      const known = part.filter((p) => p.chat.kind === 'known');
      await c.query(
        `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, match_rule)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])`,
        [known.map(() => accountId), known.map((p) => p.id), known.map((p) => channelIds[p.chat.channel]), known.map((p) => CHANNEL_TYPES[p.chat.channel]), known.map((p) => p.chat.userId), known.map(() => 'created')],
      );
    }
    return { accountId, channelIds };
  });
}

function inbound(accountId: string, channelIds: string[], chat: Chat, externalMessageId: string) {
  const data: InboundMessageData = {
    channelType: CHANNEL_TYPES[chat.channel],
    externalMessageId,
    externalChatId: chat.chatId,
    sender: { externalUserId: chat.userId, displayName: `Клиент ${chat.userId}`, phone: chat.phone },
    kind: 'text',
    text: 'Здравствуйте! Подскажите, пожалуйста, сколько стоит доставка в Казань и есть ли самовывоз?',
    attachments: [],
    event: 'new',
    sentAt: new Date().toISOString(),
  };
  const channelId = channelIds[chat.channel];
  return { key: chatKey(channelId, chat.chatId), value: encodeEnvelope(createEnvelope('message.inbound', data, { accountId, channelId })), headers: { 'x-event-type': 'message.inbound' } };
}

/** BENCH_CPU_PROFILE=<file>: a V8 CPU profile of this process during the pipeline only (open in Chrome DevTools). */
async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Count and total seconds of routing transactions so far (lead-routing's own histogram, same process). */
async function batchStats(): Promise<{ count: number; seconds: number }> {
  const metric = register.getSingleMetric('crm_lead_routing_batch_seconds');
  if (!metric) return { count: 0, seconds: 0 };
  const values = (await metric.get()).values as Array<{ metricName?: string; value: number }>;
  return {
    count: values.find((v) => v.metricName === 'crm_lead_routing_batch_seconds_count')?.value ?? 0,
    seconds: values.find((v) => v.metricName === 'crm_lead_routing_batch_seconds_sum')?.value ?? 0,
  };
}

/** Stored-message count, polled. */
async function waitStored(url: string, expected: number, onFirst: (at: number) => void): Promise<number> {
  return withClient(url, async (c) => {
    let first = false;
    for (;;) {
      const { rows: [{ n }] } = await c.query(`SELECT count(*)::int AS n FROM messages`);
      const now = performance.now();
      if (!first && n > 0) {
        first = true;
        onFirst(now);
      }
      if (n >= expected) return now;
      await sleep(20);
    }
  });
}

const TABLES: Array<{ table: string; columns: string[]; select?: string }> = [
  { table: 'clients', columns: ['id', 'account_id', 'name', 'phone_e164', 'email', 'created_at', 'updated_at'] },
  { table: 'dialogs', columns: ['id', 'account_id', 'channel_id', 'external_chat_id', 'status', 'client_id', 'conversation_started_at', 'last_message_at', 'unread_count', 'closed_at', 'created_at', 'updated_at'] },
  { table: 'client_identities', columns: ['id', 'account_id', 'client_id', 'channel_id', 'channel_type', 'external_user_id', 'username', 'phone_e164', 'display_name', 'match_rule', 'created_at', 'updated_at'] },
  { table: 'leads', columns: ['id', 'account_id', 'client_id', 'funnel_id', 'stage_id', 'channel_id', 'dialog_id', 'title', 'status', 'created_at', 'updated_at'] },
  { table: 'messages', columns: ['id', 'account_id', 'dialog_id', 'channel_id', 'direction', 'kind', 'text', 'attachments', 'location', 'contact', 'context', 'external_id', 'reply_to_external_id', 'status', 'sender_external_user_id', 'sent_at', 'created_at', 'updated_at'] },
  { table: 'outbox', columns: ['account_id', 'topic', 'message_key', 'event_type', 'payload', 'headers', 'created_at'], select: `WHERE topic = 'crm.events.v1'` },
];
const JSON_COLUMNS = new Set(['attachments', 'location', 'contact', 'context', 'payload', 'headers']);

/** The floor: the same rows, plain multi-row INSERT … VALUES (…), (…) in chunks, into an empty database. */
async function floor(sourceUrl: string, targetUrl: string): Promise<{ seconds: number; rows: Record<string, number> }> {
  const data: Record<string, unknown[][]> = {};
  await withClient(sourceUrl, async (src) => {
    await withClient(targetUrl, async (dst) => {
      // Untimed: the reference data the rows point to.
      for (const table of ['accounts', 'funnels', 'funnel_stages', 'channels']) {
        const { rows } = await src.query(`SELECT * FROM ${table}`);
        for (const row of rows) {
          const cols = Object.keys(row);
          await dst.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, cols.map((k) => (typeof row[k] === 'object' && row[k] !== null && !(row[k] instanceof Date) ? JSON.stringify(row[k]) : row[k])));
        }
      }
    });
    for (const t of TABLES) {
      const { rows } = await src.query({ text: `SELECT ${t.columns.join(', ')} FROM ${t.table} ${t.select ?? ''}`, rowMode: 'array' });
      data[t.table] = rows.map((r: unknown[]) => r.map((v, i) => (JSON_COLUMNS.has(t.columns[i]) && v !== null ? JSON.stringify(v) : v)));
    }
  });
  return withClient(targetUrl, async (dst) => {
    const started = performance.now();
    for (const t of TABLES) {
      const rows = data[t.table];
      const chunk = Math.floor(30_000 / t.columns.length);
      await dst.query('BEGIN');
      for (let i = 0; i < rows.length; i += chunk) {
        const part = rows.slice(i, i + chunk);
        const values = part.map((_, r) => `(${t.columns.map((__, c) => `$${r * t.columns.length + c + 1}`).join(', ')})`).join(', ');
        await dst.query(`INSERT INTO ${t.table} (${t.columns.join(', ')}) VALUES ${values}`, part.flat());
      }
      await dst.query('COMMIT');
    }
    return { seconds: (performance.now() - started) / 1000, rows: Object.fromEntries(TABLES.map((t) => [t.table, data[t.table].length])) };
  });
}

interface RoundResult {
  pipelineSeconds: number;
  pipelineRate: number;
  bootSeconds: number;
  floorSeconds: number;
  floorRate: number;
  floorRows: Record<string, number>;
  relaySeconds: number;
  /** CPU time of this process (lead-routing + the bench's poller) per wall-clock time during the pipeline. */
  nodeCpuShare: number;
  /** Routing transactions (one per run of a partition's messages) and their mean duration. */
  transactions: number;
  meanTransactionSeconds: number;
  counts: Record<string, number>;
}

interface Round extends RoundResult {
  service: RunningService<LeadRoutingConfig>;
  producer: EventProducer;
  db: TestDatabase;
  accountId: string;
  channelIds: string[];
}

/** One measurement: fresh databases and topics, N pre-produced messages, the pipeline, then the floor. */
async function round(infra: { kafkaBrokers: string[] }, chats: Chat[], [db, floorDb]: TestDatabase[], n = N): Promise<Round> {
  const { accountId, channelIds } = await seed(db.url, chats);

  const prefix = uniqueTopicPrefix('bench');
  const connection = new KafkaConnection({ brokers: infra.kafkaBrokers, clientId: 'bench', topicPrefix: prefix });
  await ensureTopics(connection, TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted, config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])) })));
  const producer = new EventProducer(connection);
  await producer.connect();

  const producedAt = performance.now();
  const all = Array.from({ length: n }, (_, i) => inbound(accountId, channelIds, chats[i % CHATS], `m-${i}`));
  for (let i = 0; i < all.length; i += 2000) await producer.send(Topics.ChannelsInbound, all.slice(i, i + 2000));
  say(`  pre-produced ${n} messages in ${((performance.now() - producedAt) / 1000).toFixed(2)} s; starting lead-routing`);

  const bootAt = performance.now();
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...(process.env.ROUTING_BATCH_SIZE ? { ROUTING_BATCH_SIZE: process.env.ROUTING_BATCH_SIZE } : {}),
    ...(process.env.ROUTING_PARTITION_CONCURRENCY ? { ROUTING_PARTITION_CONCURRENCY: process.env.ROUTING_PARTITION_CONCURRENCY } : {}),
  };
  let firstAt = 0;
  const stored = waitStored(db.url, n, (at) => (firstAt = at));
  const service = await startService(leadRoutingService, { env, handleSignals: false, logDestination: new Writable({ write: (c, _e, cb) => (process.stderr.write(c), cb()) }) as never });
  // The consumer has joined its group when startService resolves: the clock starts there (boot excluded).
  const readyAt = performance.now();
  const cpuAtReady = process.cpuUsage();
  const batchesBefore = await batchStats();
  const profiler = process.env.BENCH_CPU_PROFILE ? await startProfiler() : undefined;
  const doneAt = await stored;
  const cpu = process.cpuUsage(cpuAtReady);
  if (profiler) await profiler.stop(process.env.BENCH_CPU_PROFILE!);
  const batchesAfter = await batchStats();
  const transactions = batchesAfter.count - batchesBefore.count;
  const pipelineSeconds = (doneAt - readyAt) / 1000;
  say(`  stored ${n} in ${pipelineSeconds.toFixed(2)} s after the consumer joined (boot ${((readyAt - bootAt) / 1000).toFixed(2)} s; first commit seen ${((firstAt - readyAt) / 1000).toFixed(2)} s after joining)`);

  const counts = await withClient(db.url, async (c) => {
    const { rows } = await c.query(
      `SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM dialogs)::int AS dialogs,
              (SELECT count(*) FROM clients)::int AS clients, (SELECT count(*) FROM client_identities)::int AS identities,
              (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM outbox WHERE topic = 'crm.events.v1')::int AS events`,
    );
    return rows[0] as Record<string, number>;
  });
  // The outbox relay publishes the CRM events; the floor is measured once it is done (not competing with it).
  const relayedAt = await withClient(db.url, async (c) => {
    for (;;) {
      const { rows: [{ unpublished }] } = await c.query(`SELECT count(*)::int AS unpublished FROM outbox WHERE published_at IS NULL`);
      if (unpublished === 0) return performance.now();
      await sleep(50);
    }
  });
  say(`  all ${counts.events} CRM events relayed to Kafka ${((relayedAt - doneAt) / 1000).toFixed(2)} s after the last message was stored`);
  const floorResult = await floor(db.url, floorDb.url);
  say(`  floor: the same rows by plain multi-row INSERT in ${floorResult.seconds.toFixed(2)} s`);
  return {
    service,
    producer,
    db,
    accountId,
    channelIds,
    pipelineSeconds,
    pipelineRate: n / pipelineSeconds,
    bootSeconds: (readyAt - bootAt) / 1000,
    floorSeconds: floorResult.seconds,
    floorRate: n / floorResult.seconds,
    floorRows: floorResult.rows,
    relaySeconds: (relayedAt - doneAt) / 1000,
    nodeCpuShare: (cpu.user + cpu.system) / 1000 / (doneAt - readyAt),
    transactions,
    meanTransactionSeconds: transactions > 0 ? (batchesAfter.seconds - batchesBefore.seconds) / transactions : 0,
    counts,
  };
}

/** Produce → stored latency at a steady rate, against a running service (existing chats). */
async function latency(r: Round, chats: Chat[]): Promise<number[]> {
  return withClient(r.db.url, async (c) => {
    const pending = new Map<string, { channelId: string; at: number }>();
    const out: number[] = [];
    let producing = true;
    const poller = (async () => {
      while (producing || pending.size > 0) {
        if (pending.size > 0) {
          const keys = [...pending.entries()];
          const { rows } = await c.query(
            `SELECT m.external_id FROM messages m JOIN unnest($1::uuid[], $2::text[]) AS k(channel_id, external_id)
               ON m.channel_id = k.channel_id AND m.direction = 'in' AND m.external_id = k.external_id`,
            [keys.map(([, v]) => v.channelId), keys.map(([k]) => k)],
          );
          const now = performance.now();
          for (const { external_id } of rows) {
            out.push(now - pending.get(external_id)!.at);
            pending.delete(external_id);
          }
        }
        await sleep(5);
      }
    })();
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((LATENCY_RATE * tickMs) / 1000));
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < LATENCY_MESSAGES; i += perTick) {
      const due = started + (i / perTick) * tickMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const batch = Array.from({ length: Math.min(perTick, LATENCY_MESSAGES - i) }, (_, k) => {
        const chat = chats[(i + k) % CHATS];
        const id = `lat-${i + k}`;
        pending.set(id, { channelId: r.channelIds[chat.channel], at: performance.now() });
        return inbound(r.accountId, r.channelIds, chat, id);
      });
      sends.push(r.producer.send(Topics.ChannelsInbound, batch));
    }
    await Promise.all(sends);
    producing = false;
    await poller;
    return out.sort((a, b) => a - b);
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

async function main(): Promise<void> {
  // lead-routing runs in this process: with the V8 flags its own process sets (runService), as deployed.
  applyServiceV8Flags();
  say(`bench:routing — ${N} messages over ${CHATS} chats, ${ROUNDS} round(s); provisioning Kafka and PostgreSQL ...`);
  const infra = await provisionInfrastructure({ log: (l) => say(`  ${l}`) });
  infra.description.forEach((d) => say(`  ${d}`));
  const dbs: TestDatabase[] = [];
  const rounds: Round[] = [];
  try {
    const chats: Chat[] = Array.from({ length: CHATS }, (_, i) => {
      const r = ((i * 7919) % 100) / 100;
      return {
        channel: i % CHANNEL_TYPES.length,
        chatId: `chat-${i}`,
        userId: `user-${i}`,
        phone: `+7916${String(i).padStart(7, '0')}`,
        kind: r < KNOWN_SHARE ? 'known' : r < KNOWN_SHARE + PHONE_SHARE ? 'phone' : 'new',
      };
    });
    // Every database up front: CREATE DATABASE writes the template through the WAL and checkpoints, which would
    // otherwise land in the middle of the next measurement.
    for (let i = 0; i < 2 * (ROUNDS + 1); i++) dbs.push(await createTestDatabase({ adminUrl: infra.postgresAdminUrl }));
    const pairs = Array.from({ length: ROUNDS + 1 }, (_, i) => dbs.slice(2 * i, 2 * i + 2));
    await withClient(infra.postgresAdminUrl, (c) => c.query('CHECKPOINT'));
    if (WARMUP > 0) {
      // Not counted: JIT-compiles the routing path and warms the broker and Postgres caches, like a running service.
      say(`warm-up round (${WARMUP} messages, not counted)`);
      const w = await round(infra, chats, pairs[ROUNDS], WARMUP);
      await w.service.close();
      await w.producer.disconnect();
    }
    for (let i = 0; i < ROUNDS; i++) {
      say(`round ${i + 1}/${ROUNDS}`);
      const r = await round(infra, chats, pairs[i]);
      rounds.push(r);
      say(`  → ${Math.round(r.pipelineRate)} msg/s, floor ${Math.round(r.floorRate)} msg/s, ratio ${(r.pipelineRate / r.floorRate).toFixed(3)}`);
      if (i < ROUNDS - 1) {
        await r.service.close();
        await r.producer.disconnect();
      }
    }
    const last = rounds[rounds.length - 1];
    say(`latency: ${LATENCY_MESSAGES} messages at ${LATENCY_RATE}/s on existing chats ...`);
    const latencies = await latency(last, chats);

    const ratios = rounds.map((r) => r.pipelineRate / r.floorRate);
    const pipelineRate = median(rounds.map((r) => r.pipelineRate));
    const floorRate = median(rounds.map((r) => r.floorRate));
    const ratio = median(ratios);
    const report = {
      messages: N,
      chats: CHATS,
      warmupMessages: WARMUP,
      mix: { knownSenders: KNOWN_SHARE, phoneMatches: PHONE_SHARE, newSenders: +(1 - KNOWN_SHARE - PHONE_SHARE).toFixed(2), toggles: 'all on, funnel + stage' },
      stored: last.counts,
      rounds: rounds.map((r) => ({
        messagesPerSecond: Math.round(r.pipelineRate),
        pipelineSeconds: +r.pipelineSeconds.toFixed(3),
        bootSeconds: +r.bootSeconds.toFixed(3),
        floorMessagesPerSecond: Math.round(r.floorRate),
        floorSeconds: +r.floorSeconds.toFixed(3),
        ratioToFloor: +(r.pipelineRate / r.floorRate).toFixed(3),
        outboxRelayDrainedSecondsAfterLastStored: +r.relaySeconds.toFixed(3),
        leadRoutingProcessCpuCores: +r.nodeCpuShare.toFixed(2),
        routingTransactions: r.transactions,
        messagesPerTransaction: Math.round(N / Math.max(1, r.transactions)),
        meanTransactionMs: +(r.meanTransactionSeconds * 1000).toFixed(1),
      })),
      pipeline: { messagesPerSecond: Math.round(pipelineRate), median: true },
      floor: { messagesPerSecond: Math.round(floorRate), median: true, rows: last.floorRows, method: 'INSERT … VALUES (…), (…) chunks of ≤30000 parameters, one transaction per table' },
      ratioToFloor: +ratio.toFixed(3),
      latency: {
        rate: LATENCY_RATE,
        messages: latencies.length,
        p50Ms: +percentile(latencies, 50).toFixed(1),
        p99Ms: +percentile(latencies, 99).toFixed(1),
        maxMs: +(latencies[latencies.length - 1] ?? NaN).toFixed(1),
      },
      target: { messagesPerSecond: 3000, ratioToFloor: 0.5, met: pipelineRate >= 3000 && ratio >= 0.5 },
      machine: { cpus: os.cpus().length, loadAverage1m: +os.loadavg()[0].toFixed(2), node: process.version },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    say('');
    say(`lead-routing: ${report.pipeline.messagesPerSecond} messages/s (median of ${ROUNDS}; each round ${N} messages → ${last.counts.events} CRM events, ${last.counts.clients} clients, ${last.counts.leads} leads)`);
    say(`floor (plain multi-row INSERT of the same rows): ${report.floor.messagesPerSecond} messages/s → ratio ${report.ratioToFloor} (per round: ${ratios.map((x) => x.toFixed(2)).join(', ')})`);
    say(`latency at ${LATENCY_RATE}/s, produce → stored: p50 ${report.latency.p50Ms} ms, p99 ${report.latency.p99Ms} ms`);
    say(`target (≥ 3000 msg/s and ≥ 0.5 of the floor): ${report.target.met ? 'met' : 'NOT met'} (load average ${report.machine.loadAverage1m} on ${report.machine.cpus} CPUs)`);
  } finally {
    for (const r of rounds) {
      await r.service.close().catch(() => undefined);
      await r.producer.disconnect().catch(() => undefined);
    }
    for (const db of dbs) await db.drop().catch(() => undefined);
    await infra.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
