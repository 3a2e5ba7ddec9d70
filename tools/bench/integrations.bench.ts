// `npm run bench:integrations` — forwarding a burst to a rate-limited CRM, end to end on real Kafka and Postgres:
// connector output (channels.inbound.v1) → lead-routing → crm.events.v1 → integrations service → fake CRM. Runs once
// per CRM of BENCH_CRMS (default `bitrix24,amocrm`).
//
// 1. Provisions Kafka + Postgres (KAFKA_BROKERS / DATABASE_URL when set, like `npm start`), a fresh database.
// 2. Two fake accounts of the CRM enforcing its documented limit — Bitrix24: leaky bucket, 2 req/s drained, bursts to
//    50; amoCRM: 7 req/s — a busy one and a quiet one, each with its integration and a linked Telegram channel (new
//    client + new lead per dialog).
// 3. Boots lead-routing and the integrations service in-process, produces BENCH_MESSAGES messages over BENCH_DIALOGS
//    dialogs to the busy channel at once, and times until every record (contacts, leads, comments) is synced; counts
//    the HTTP requests the busy portal received (one call per message would need ~6000 requests ≈ 50 minutes).
// 4. Meanwhile, every BENCH_QUIET_EVERY_MS, one message to the quiet channel: its lag (produced → contact, lead and
//    comment synced) shows that a limited portal never holds up another.
// Prints a JSON report and a summary. Targets (Bitrix24, issue 14): ≤ 180 s, ≤ 200 requests, quiet lag ≤ 2 s; amoCRM is
// reported with the same figures against the same targets.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Client } from 'pg';
import { chatKey, createEnvelope, encodeEnvelope, eventHeaders, Topics, type InboundMessageData } from '@crm/contracts';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { createTestDatabase } from '@crm/persistence';
import { encryptJson } from '@crm/secrets';
import { applyServiceV8Flags, startService, type RunningService } from '@crm/service-kit';
import { captureLogs, FakeAmocrmServer, FakeBitrix24Server, provisionInfrastructure, uniqueTopicPrefix } from '@crm/testing';
import { integrationsService } from '../../apps/integrations/src/integrations.service-definition';
import { leadRoutingService } from '../../apps/lead-routing/src/lead-routing.service-definition';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const DIALOGS = Number(process.env.BENCH_DIALOGS ?? 500);
const QUIET_EVERY_MS = Number(process.env.BENCH_QUIET_EVERY_MS ?? 5000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
const CRMS = (process.env.BENCH_CRMS ?? 'bitrix24,amocrm').split(',').map((c) => c.trim()).filter(Boolean);
const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

const say = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seeded {
  accountId: string;
  busy: { integrationId: string; channelId: string };
  quiet: { integrationId: string; channelId: string };
}

/** One fake CRM account's integration: its row's settings and (encrypted) secrets. */
interface IntegrationRow {
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/** What the benchmark needs of one CRM: its fakes, the integration rows, and what the busy account received. */
interface BenchCrm {
  type: 'bitrix24' | 'amocrm';
  limit: string;
  /** Extra env of the integrations service. */
  env: NodeJS.ProcessEnv;
  busy: IntegrationRow;
  quiet: IntegrationRow;
  /** Requests the busy account got, and how many it refused (rate limit). */
  requests(): { total: number; refused: number };
  /** Entities the busy account holds now. */
  stored(): Record<string, number>;
  close(): Promise<void>;
}

async function bitrix24Crm(): Promise<BenchCrm> {
  const limit = { perSecond: 2, burst: 50 };
  const busy = await FakeBitrix24Server.start({ rateLimit: limit });
  const quiet = await FakeBitrix24Server.start({ rateLimit: limit });
  return {
    type: 'bitrix24',
    limit: `${limit.perSecond} req/s, bursts to ${limit.burst}`,
    env: {},
    busy: { settings: {}, secrets: { webhookUrl: busy.addWebhook().url } },
    quiet: { settings: {}, secrets: { webhookUrl: quiet.addWebhook().url } },
    requests: () => ({ total: busy.calls.length, refused: busy.calls.filter((r) => r.status !== 200).length }),
    stored: () => ({ contacts: busy.portal.contacts.size, leads: busy.portal.leads.size, comments: busy.portal.comments.size, peakBucketLevel: +busy.peakBucketLevel.toFixed(2) }),
    close: async () => void (await Promise.all([busy.close(), quiet.close()])),
  };
}

async function amocrmCrm(): Promise<BenchCrm> {
  const amo = await new FakeAmocrmServer({ perSecond: 7 }).start();
  const row = (): IntegrationRow & { subdomain: string } => {
    const acc = amo.addAccount();
    return {
      subdomain: acc.subdomain,
      settings: { subdomain: acc.subdomain, clientId: acc.clientId, redirectUri: acc.redirectUri },
      secrets: { longLivedToken: amo.issueLongLivedToken(acc.subdomain) },
    };
  };
  const busy = row();
  const quiet = row();
  const ofBusy = () => amo.calls.filter((c) => c.pathParams.sub === busy.subdomain);
  return {
    type: 'amocrm',
    limit: `${amo.perSecond} req/s`,
    env: { AMOCRM_BASE_URL: `${amo.baseUrl}/{subdomain}` },
    busy,
    quiet,
    requests: () => ({ total: ofBusy().length, refused: ofBusy().filter((c) => c.status !== 200 && c.status !== 204).length }),
    stored: () => {
      const acc = amo.account(busy.subdomain);
      return { contacts: acc.contacts.size, leads: acc.leads.size, notes: acc.notes.size };
    },
    close: () => amo.close(),
  };
}

const BENCH_CRMS: Record<string, () => Promise<BenchCrm>> = { bitrix24: bitrix24Crm, amocrm: amocrmCrm };

async function seed(c: Client, crm: BenchCrm): Promise<Seeded> {
  const accountId = randomUUID();
  await c.query(`INSERT INTO accounts (id, name) VALUES ($1, 'bench')`, [accountId]);
  const key = Buffer.from(SECRETS_KEY, 'base64');
  const link = async (name: string, row: IntegrationRow) => {
    const { rows: [integration] } = await c.query(
      `INSERT INTO integrations (account_id, type, name, status, settings, secrets_encrypted) VALUES ($1, $2, $3, 'active', $4, $5) RETURNING id`,
      [accountId, crm.type, name, JSON.stringify(row.settings), encryptJson(row.secrets, key)],
    );
    const { rows: [channel] } = await c.query(
      `INSERT INTO channels (account_id, type, name, status, integration_id, create_lead_on_first_message, create_client_on_first_message)
       VALUES ($1, 'telegram', $2, 'active', $3, true, true) RETURNING id`,
      [accountId, `Бот ${name}`, integration.id],
    );
    return { integrationId: integration.id as string, channelId: channel.id as string };
  };
  return { accountId, busy: await link('busy', crm.busy), quiet: await link('quiet', crm.quiet) };
}

function inbound(accountId: string, channelId: string, chatId: string, text: string) {
  const data: InboundMessageData = {
    channelType: 'telegram',
    externalMessageId: randomUUID(),
    externalChatId: chatId,
    sender: { externalUserId: `u-${chatId}`, displayName: `Клиент ${chatId}`, username: `client_${chatId}` },
    kind: 'text',
    text,
    attachments: [],
    event: 'new',
    sentAt: new Date().toISOString(),
  };
  const envelope = createEnvelope('message.inbound', data, { accountId, channelId });
  return { key: chatKey(channelId, chatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope) };
}

async function syncedCount(c: Client, integrationId: string): Promise<{ synced: number; total: number; failed: number }> {
  const { rows: [row] } = await c.query(
    `SELECT count(*) FILTER (WHERE state = 'synced')::int AS synced, count(*) FILTER (WHERE state = 'failed')::int AS failed, count(*)::int AS total
       FROM integration_sync_jobs WHERE integration_id = $1`,
    [integrationId],
  );
  return row;
}

/** Produces one quiet-portal message and waits for its three records (contact, lead, comment) to be synced. */
async function quietLag(c: Client, producer: EventProducer, seeded: Seeded, n: number): Promise<number> {
  const before = (await syncedCount(c, seeded.quiet.integrationId)).synced;
  const started = performance.now();
  await producer.send(Topics.ChannelsInbound, [inbound(seeded.accountId, seeded.quiet.channelId, `quiet-${n}`, 'Тихий портал')]);
  for (;;) {
    if ((await syncedCount(c, seeded.quiet.integrationId)).synced >= before + 3) return performance.now() - started;
    await sleep(10);
  }
}

async function main(): Promise<void> {
  // lead-routing and integrations run in this process: with the V8 flags their own processes set (runService), as deployed.
  applyServiceV8Flags();
  say(`bench:integrations — ${MESSAGES} messages over ${DIALOGS} dialogs, for ${CRMS.join(', ')}; provisioning ...`);
  const infra = await provisionInfrastructure({ log: (l) => say(`  ${l}`) });
  infra.description.forEach((d) => say(`  ${d}`));
  const reports: Array<Record<string, unknown>> = [];
  try {
    for (const name of CRMS) {
      const make = BENCH_CRMS[name];
      if (!make) throw new Error(`BENCH_CRMS: unknown CRM "${name}" (known: ${Object.keys(BENCH_CRMS).join(', ')})`);
      reports.push(await burst(infra.postgresAdminUrl, infra.kafkaBrokers, await make()));
    }
  } finally {
    await infra.stop();
  }
  process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
}

/** One CRM: the burst to its busy account, the quiet account's lag meanwhile; a database and topics of its own. */
async function burst(adminUrl: string, brokers: string[], crm: BenchCrm): Promise<Record<string, unknown>> {
  say(`\n${crm.type} (${crm.limit}): ${MESSAGES} messages over ${DIALOGS} dialogs to one account`);
  const db = await createTestDatabase({ adminUrl });
  const c = new Client({ connectionString: db.url });
  await c.connect();
  const services: Array<RunningService<any>> = [];
  const prefix = uniqueTopicPrefix('bench-int');
  const producer = new EventProducer(new KafkaConnection({ brokers, clientId: 'bench-integrations', topicPrefix: prefix }));
  try {
    const seeded = await seed(c, crm);
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn', PORT: '0' };
    const logs = captureLogs();
    services.push(await startService(leadRoutingService, { env, logDestination: logs.destination, handleSignals: false }));
    services.push(await startService(integrationsService, { env: { ...env, ...crm.env, SECRETS_KEY, CRM_ALLOW_LOOPBACK_URLS: 'true' }, logDestination: logs.destination, handleSignals: false }));
    await producer.connect();

    const messages = Array.from({ length: MESSAGES }, (_, i) => inbound(seeded.accountId, seeded.busy.channelId, `d${i % DIALOGS}`, `Сообщение ${Math.floor(i / DIALOGS) + 1} из диалога ${i % DIALOGS}`));
    const expected = DIALOGS * 2 + MESSAGES;
    say(`producing the burst; expecting ${expected} records (${DIALOGS} contacts, ${DIALOGS} leads, ${MESSAGES} comments) ...`);
    const started = performance.now();
    for (let i = 0; i < messages.length; i += 500) await producer.send(Topics.ChannelsInbound, messages.slice(i, i + 500));
    const producedSeconds = (performance.now() - started) / 1000;

    const lags: Array<{ atSeconds: number; lagMs: number }> = [];
    let done = false;
    const quietLoop = (async () => {
      for (let n = 0; !done; n++) {
        await sleep(QUIET_EVERY_MS);
        if (done) break;
        const at = (performance.now() - started) / 1000;
        lags.push({ atSeconds: +at.toFixed(1), lagMs: Math.round(await quietLag(c, producer, seeded, n)) });
        say(`  quiet portal at ${at.toFixed(1)} s: synced in ${lags[lags.length - 1].lagMs} ms`);
      }
    })();

    let last = { synced: 0, total: 0, failed: 0 };
    let lastReport = 0;
    for (;;) {
      last = await syncedCount(c, seeded.busy.integrationId);
      const elapsed = performance.now() - started;
      if (last.synced + last.failed >= expected) break;
      if (elapsed > TIMEOUT_MS) throw new Error(`not synced within ${TIMEOUT_MS} ms: ${JSON.stringify(last)}`);
      if (elapsed - lastReport > 10_000) {
        lastReport = elapsed;
        say(`  ${(elapsed / 1000).toFixed(0)} s: ${last.synced}/${expected} synced, ${crm.requests().total} requests`);
      }
      await sleep(50);
    }
    const seconds = (performance.now() - started) / 1000;
    done = true;
    await quietLoop;

    const { total: requests, refused } = crm.requests();
    const maxLag = Math.max(...lags.map((l) => l.lagMs));
    const report = {
      crm: crm.type,
      limit: crm.limit,
      messages: MESSAGES,
      dialogs: DIALOGS,
      records: { expected, synced: last.synced, failed: last.failed },
      stored: crm.stored(),
      busy: { secondsUntilAllSynced: +seconds.toFixed(1), producedSeconds: +producedSeconds.toFixed(2), requests, refusedRequests: refused },
      quiet: { samples: lags, maxLagMs: lags.length ? maxLag : null },
      targets: { seconds: 180, requests: 200, quietLagMs: 2000, met: seconds <= 180 && requests <= 200 && (lags.length === 0 || maxLag <= 2000) },
      machine: { cpus: os.cpus().length, loadAverage1m: +os.loadavg()[0].toFixed(2), node: process.version },
    };
    say(`${crm.type}: ${expected} records synced in ${report.busy.secondsUntilAllSynced} s with ${requests} requests (${refused} refused by the CRM)`);
    say(`${crm.type}: quiet account during the burst: max lag ${report.quiet.maxLagMs} ms over ${lags.length} samples`);
    say(`${crm.type}: targets (≤ 180 s, ≤ 200 requests, quiet lag ≤ 2 s): ${report.targets.met ? 'met' : 'NOT met'}`);
    return report;
  } finally {
    for (const s of services.reverse()) await s.close().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await c.end().catch(() => undefined);
    await crm.close();
    await db.drop().catch(() => undefined);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
