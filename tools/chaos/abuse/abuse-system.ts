// A system to abuse: the chaos suite's own infrastructure and fakes, the services as processes with an inspector (for
// the GC), one channel per webhook type and a widget channel created through the api, and the targets: every
// operation of the api's OpenAPI document as served, each webhook channel, the widget's visitor API.
import { createHmac, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { Client } from 'pg';
import { Topics } from '@crm/contracts';
import { KafkaConnection } from '@crm/messaging';
import { type ApiCall, CHAOS_WEBHOOK_TYPES, type ChaosChannel, type ChaosFakes, createChaosChannel } from '../chaos-platforms';
import { type ChaosStack, type ServiceRunner } from '../chaos-stack';
import { startChaosSystem } from '../chaos-system';
import type { AbuseContext } from './abuse-run';
import { restTargets, type AbuseRequest, type AbuseTarget, webhookTarget, type WebhookTemplate, widgetTargets } from './abuse-targets';

export interface AbuseSystemOptions {
  runner: ServiceRunner;
  /** Only these services (default: all; lead-routing and integrations make the row counts meaningful for async writes). */
  only?: string[];
  log: (line: string) => void;
}

export interface AbuseSystem {
  ctx: AbuseContext;
  workDir: string;
  close(): Promise<void>;
}

const WEBHOOK_BODY_LIMITS: Record<string, number> = { telegram: 256 * 1024, whatsapp: 3 * 1024 * 1024, vk: 512 * 1024, avito: 64 * 1024 };
const WIDGET_ORIGIN = 'https://shop.abuse.example';

export async function startAbuseSystem(options: AbuseSystemOptions): Promise<AbuseSystem> {
  const system = await startChaosSystem({
    name: 'crm-abuse',
    runner: options.runner,
    log: options.log,
    only: options.only,
    nodeArgs: ['--inspect=127.0.0.1:{inspectPort}'],
    env: { LOG_LEVEL: 'warn' },
  });
  const { workDir, infra, fakes, secrets, stack, cleanups, close } = system;
  try {
    const db = new Client({ connectionString: infra.databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const kafka = new KafkaConnection({ brokers: infra.brokers, clientId: 'abuse-probe', topicPrefix: infra.topicPrefix });

    const token = sign({ sub: randomUUID(), accountId: randomUUID(), role: 'admin' }, secrets.AUTH_JWT_SECRET, { algorithm: 'HS256', expiresIn: '6h' });
    const api = apiCaller(stack.publicUrl, token);
    const widget = stack.services.has('connector-widget') ? await widgetTargetsOf(stack.publicUrl, api) : [];
    const targets = [...(await webhookTargets(stack, fakes, api)), ...widget, ...restTargets(await openApiDocument(stack.publicUrl), { admin: `Bearer ${token}` })];
    const ctx: AbuseContext = { stack, db, kafka: kafka.kafka, inboundTopic: kafka.topic(Topics.ChannelsInbound), targets, log: options.log };
    return { ctx, workDir, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function apiCaller(publicUrl: string, token: string): ApiCall {
  return async (method, path, body) => {
    const res = await fetch(`${publicUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'en' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
  };
}

async function openApiDocument(publicUrl: string): Promise<Parameters<typeof restTargets>[0]> {
  const res = await fetch(`${publicUrl}/api/docs-json`);
  if (res.status !== 200) throw new Error(`GET /api/docs-json answered ${res.status}`);
  return (await res.json()) as Parameters<typeof restTargets>[0];
}

/** One channel per webhook type whose connector runs, as authentic calls with a way to forge each. */
async function webhookTargets(stack: ChaosStack, fakes: ChaosFakes, api: ApiCall): Promise<AbuseTarget[]> {
  const types = CHAOS_WEBHOOK_TYPES.filter((t) => stack.services.has(`connector-${t}`));
  if (types.length === 0) return [];
  const integration = await api('POST', '/api/v1/integrations', { type: 'bitrix24', name: 'Abuse portal', settings: { webhookUrl: fakes.bitrix24.addWebhook().url } });
  if (integration.status !== 201) throw new Error(`integration not created: ${integration.status} ${JSON.stringify(integration.body)}`);
  const targets: AbuseTarget[] = [];
  for (const type of types) {
    const channel = await createChaosChannel(type, fakes, api, String(integration.body.id));
    const call = await channel.call('abuse', 0, 'abuse template');
    await waitUntilKnown(call.url);
    targets.push(webhookTarget(webhookTemplate(channel, call, stack.publicUrl)));
  }
  return targets;
}

function webhookTemplate(channel: ChaosChannel, call: Awaited<ReturnType<ChaosChannel['call']>>, publicUrl: string): WebhookTemplate {
  const appSecret = channel.secrets.find((s) => s.name === 'whatsapp appSecret')?.value;
  const wrongPathSecret = (r: AbuseRequest) => ({ ...r, path: r.path.replace(/\/[^/]+$/, '/wrong-secret') });
  const forgers: Record<string, (r: AbuseRequest) => AbuseRequest> = {
    telegram: (r) => ({ ...r, headers: { ...r.headers, 'x-telegram-bot-api-secret-token': 'wrong' } }),
    whatsapp: (r) => ({ ...r, headers: { ...r.headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } }),
    vk: (r) => ({ ...r, body: Buffer.from(r.body!.toString('latin1').replace(/"secret":"[^"]*"/, '"secret":"wrong"'), 'latin1') }),
    avito: wrongPathSecret,
  };
  return {
    type: channel.type,
    channelId: channel.channelId,
    url: call.url.replace(/^https?:\/\/[^/]+/, publicUrl),
    headers: call.headers,
    body: call.body,
    bodyLimit: WEBHOOK_BODY_LIMITS[channel.type],
    authentic: (body, headers) => (appSecret ? { ...headers, 'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` } : headers),
    forged: forgers[channel.type],
  };
}

/** A widget channel with an allowed origin, and a visitor session of it (when the widget connector runs). */
async function widgetTargetsOf(publicUrl: string, api: ApiCall): Promise<AbuseTarget[]> {
  const created = await api('POST', '/api/v1/channels', { name: 'Abuse widget', type: 'widget', settings: { allowedOrigins: [WIDGET_ORIGIN] } });
  if (created.status !== 201) throw new Error(`widget channel not created: ${created.status} ${JSON.stringify(created.body)}`);
  const publicKey = String((created.body.connection as Record<string, unknown>).publicKey);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${publicUrl}/widget/v1/${publicKey}/session`, { method: 'POST', headers: { origin: WIDGET_ORIGIN, 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    if (res?.status === 200) {
      const session = (await res.json()) as { token: string };
      return widgetTargets({ publicKey, origin: WIDGET_ORIGIN, visitor: `Bearer ${session.token}` });
    }
    if (Date.now() > deadline) throw new Error(`the widget connector does not know channel ${publicKey} after 60 s (${res?.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Until the channel's connector knows it (a bare POST is refused for being bare, not 404/503). */
async function waitUntilKnown(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
    if (res && res.status !== 404 && res.status !== 503) return;
    if (Date.now() > deadline) throw new Error(`${url}: its connector does not know the channel after 60 s (${res?.status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
