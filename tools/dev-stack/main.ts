// `npm start`: the whole system on one machine. Provisions Kafka + Postgres (or uses KAFKA_BROKERS / DATABASE_URL),
// migrates, creates topics, seeds a demo account, starts the eight services and the public origin, prints the URLs
// and a development admin JWT. Ctrl-C stops everything in order.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { sign } from 'jsonwebtoken';
import { TOPIC_SPECS } from '@crm/contracts';
import { KafkaClientConfig, loadConfig } from '@crm/config';
import { describeKafkaSecurity, kafkaConnectionFromConfig, prepareTopics } from '@crm/messaging';
import { ensureDatabase, runMigrations } from '@crm/persistence';
import { cacheDir, provisionInfrastructure, redactUrl, repoRoot, withDatabase } from '@crm/testing';
import { loadDevSecrets } from './dev-secrets';
import { createGateway, listenGateway } from './gateway';
import { formatLogLine } from './log-line.formatter';
import { ServiceSupervisor } from './service-supervisor';
import { nodeOptionsEnv } from '../deploy/service-catalog';
import { SERVICES } from './services';

export const DEMO_ACCOUNT_ID = '00000000-0000-4000-8000-000000000001';
export const DEMO_ADMIN_USER_ID = '00000000-0000-4000-8000-0000000000a1';

const root = repoRoot();
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const env = process.env;
  const devDir = join(cacheDir(), 'dev');
  const publicUrl = (env.PUBLIC_URL ?? 'http://localhost:8080').replace(/\/$/, '');
  const topicPrefix = env.KAFKA_TOPIC_PREFIX ?? '';

  say('crm-channels: provisioning Kafka and PostgreSQL ...');
  const infra = await provisionInfrastructure({
    kafkaDataDir: join(devDir, 'kafka'),
    kafkaPort: Number(env.DEV_KAFKA_PORT ?? 29092),
    log: (l) => say(`  ${l}`),
  });
  infra.description.forEach((d) => say(`  ${d}`));
  const databaseUrl = env.DATABASE_URL ?? withDatabase(infra.postgresAdminUrl, 'crm_channels');

  let gateway: ReturnType<typeof createGateway> | undefined;
  let stopping = false;
  const supervisor = new ServiceSupervisor((name, reason) => {
    say(`[${name}] exited (${reason}); stopping the stack`);
    void stopAll(1);
  });
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nstopping: public origin, services, infrastructure ...');
    await new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r()));
    gateway?.closeAllConnections();
    await supervisor.stopAll();
    await infra.stop();
    say('stopped.');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    await ensureDatabase(databaseUrl);
    await runMigrations(databaseUrl);
    say(`  database ${redactUrl(databaseUrl)} migrated`);

    // The same Kafka settings as the services (TLS, SASL, KAFKA_CREATE_TOPICS from the environment).
    const kafkaConfig = loadConfig(KafkaClientConfig, { ...env, KAFKA_BROKERS: infra.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: topicPrefix }, 'dev-stack');
    const connection = kafkaConnectionFromConfig(kafkaConfig, { clientId: 'dev-stack' });
    await connection.verifyTls();
    await prepareTopics(
      connection,
      TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted, config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])) })),
      { create: kafkaConfig.KAFKA_CREATE_TOPICS },
    );
    say(`  topics ready (prefix "${topicPrefix}", ${describeKafkaSecurity(kafkaConfig)})`);

    await seedDemoAccount(databaseUrl);
    const secrets = loadDevSecrets(join(devDir, 'secrets.json'));

    const serviceEnv: NodeJS.ProcessEnv = {
      ...env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: env.LOG_LEVEL ?? 'info',
      ...secrets,
    };
    for (const service of SERVICES) {
      const child = supervisor.spawn(service.name, process.execPath, ['--enable-source-maps', join(root, 'dist/apps', service.name, 'src/main.js')], {
        env: { ...serviceEnv, ...nodeOptionsEnv(service), PORT: String(service.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      relay(service.name, child);
    }

    const publicPort = Number(new URL(publicUrl).port || 80);
    gateway = createGateway(
      SERVICES.flatMap((s) => s.routes.map((prefix) => ({ prefix, target: `http://127.0.0.1:${s.port}` }))),
    );
    await listenGateway(gateway, publicPort, '0.0.0.0');

    await Promise.all(SERVICES.map((s) => waitHealthy(s.name, `http://127.0.0.1:${s.port}/health`, 120_000)));
    const token = sign({ sub: DEMO_ADMIN_USER_ID, accountId: DEMO_ACCOUNT_ID, role: 'admin' }, secrets.AUTH_JWT_SECRET, {
      algorithm: 'HS256',
      expiresIn: '30d',
    });
    const demoWidget = await ensureDemoWidgetChannel(publicUrl, token).catch((err: Error) => ({ error: err.message }));

    say('');
    say(`crm-channels is up in ${((Date.now() - started) / 1000).toFixed(1)} s — every service healthy.`);
    say(`  Public origin : ${publicUrl}`);
    say(`  REST API      : ${publicUrl}/api/v1   (OpenAPI: ${publicUrl}/api/docs)`);
    say(`  Webhooks      : ${publicUrl}/webhooks/<${SERVICES.flatMap((s) => s.routes).filter((r) => r.startsWith('/webhooks/')).map((r) => r.split('/')[2]).join('|')}>/<channelId>`);
    say(`  Widget        : ${publicUrl}/widget/   (script: ${publicUrl}/widget/widget.js)`);
    if ('publicKey' in demoWidget) {
      say(`  Widget demo   : ${publicUrl}/widget/demo?key=${demoWidget.publicKey}   ← open it and chat with yourself`);
    } else {
      say(`  Widget demo   : ${publicUrl}/widget/demo?key=<publicKey>   (no demo channel: ${demoWidget.error})`);
    }
    for (const s of SERVICES) say(`  ${s.name.padEnd(19)} http://127.0.0.1:${s.port}/health`);
    say(`  Kafka         : ${infra.kafkaBrokers.join(',')}   PostgreSQL: ${redactUrl(databaseUrl)}`);
    say('');
    say(`Development admin JWT (account ${DEMO_ACCOUNT_ID}, valid 30 days):`);
    say(token);
    say('');
    say(`  export TOKEN=${token}`);
    say(`  curl -H "Authorization: Bearer $TOKEN" ${publicUrl}/api/v1/channels`);
    say('');
    say('Ctrl-C stops everything.');
  } catch (err) {
    say(`npm start failed: ${(err as Error).stack ?? String(err)}`);
    await stopAll(1);
  }
}

async function seedDemoAccount(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO accounts (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [DEMO_ACCOUNT_ID, 'Demo account']);
  } finally {
    await client.end();
  }
}

/**
 * A widget channel of the demo account that the demo page (served from the public origin) may use: the first active
 * one allowing the public origin, or a new one created through the API like the wizard does (client and lead on the
 * first message, in the account's first funnel when it has one).
 */
async function ensureDemoWidgetChannel(publicUrl: string, token: string): Promise<{ publicKey: string }> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${publicUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'accept-language': 'en', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} /api/v1${path} answered ${res.status} ${json.code ?? ''}`.trim());
    return json;
  };
  const origin = new URL(publicUrl).origin;
  const channels = await call('GET', '/channels?type=widget&status=active&limit=100');
  const existing = (channels.items as Array<Record<string, any>>).find((c) => Array.isArray(c.settings?.allowedOrigins) && c.settings.allowedOrigins.includes(origin));
  if (existing?.connection?.publicKey) return { publicKey: existing.connection.publicKey };
  const url = new URL(origin);
  const origins = [origin];
  // The same page opened as localhost or 127.0.0.1 is another origin to the browser.
  if (url.hostname === 'localhost') origins.push(origin.replace('//localhost', '//127.0.0.1'));
  if (url.hostname === '127.0.0.1') origins.push(origin.replace('//127.0.0.1', '//localhost'));
  const funnels = await call('GET', '/funnels?limit=1').catch(() => ({ items: [] }));
  const funnelId = (funnels.items as Array<{ id: string }>)[0]?.id ?? null;
  const created = await call('POST', '/channels', {
    name: 'Виджет на демо-странице',
    type: 'widget',
    description: 'Created by npm start for /widget/demo',
    routing: { funnelId, stageId: null, createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: true },
    settings: { allowedOrigins: origins, title: 'Demo Coffee', greeting: 'Здравствуйте! Чем можем помочь?', color: '#0f766e', preChat: { fields: ['name', 'phone'] } },
  });
  return { publicKey: created.connection.publicKey };
}

async function waitHealthy(name: string, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become healthy within ${timeoutMs / 1000} s (${url})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Prints each service's JSON log lines compactly: "[service] level message". Set DEV_RAW_LOGS=1 for raw JSON. */
function relay(name: string, child: ChildProcess): void {
  const raw = process.env.DEV_RAW_LOGS === '1';
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => say(raw ? `[${name}] ${line}` : formatLogLine(name, line)));
  }
}

void main();
