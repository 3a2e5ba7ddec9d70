import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { buildAsyncApiDocument, DEAD_LETTER_MESSAGE, TOMBSTONE_MESSAGE } from '@crm/asyncapi';
import { type BaseServiceConfig } from '@crm/config';
import { chatKey, createEnvelope, dlqTopicOf, encodeEnvelope, eventHeaders, type InboundMessageData, prefixedTopic, Topics } from '@crm/contracts';
import { type RunningService, startService } from '@crm/service-kit';
import { FakeTelegramServer, freePort, readTopic, testBrokers, waitFor } from '@crm/testing';
import { AsyncApiRecordValidator, type RecordVerdict } from '../../../../libs/asyncapi/src/testing/asyncapi-record-validator';
import { connectorTelegramService } from '../../../connector-telegram/src/connector-telegram.service-definition';
import type { ConnectorTelegramConfig } from '../../../connector-telegram/src/config/connector-telegram.config';
import { type ApiHarness, startApiHarness } from '../testing/api-test-harness';
import { startLeadRouting, testProducer } from '../testing/flow-helpers';

// The AsyncAPI document against REAL records: the api, lead-routing and connector-telegram run on real Kafka and
// Postgres (fake Telegram only), a customer writes, an agent answers, the dialog and the lead are closed, the channel is
// deleted, a message for an unknown channel is dead-lettered — then every record of every topic under the test's prefix must match the document's message chosen by its
// x-event-type (headers, key and value). A record the document does not describe fails the test.
describe('AsyncAPI document vs the records the services really produce', () => {
  let tg: FakeTelegramServer;
  let api: ApiHarness;
  let routing: RunningService<BaseServiceConfig>;
  let connector: RunningService<ConnectorTelegramConfig>;
  let admin: string;
  let prefix: string;

  const call = async (method: string, path: string, body?: unknown) => api.request(method, `/api/v1${path}`, { token: admin, body });
  const one = async <T>(sql: string, params: unknown[]) => ((await api.dataSource.query(sql, params)) as T[])[0];

  beforeAll(async () => {
    tg = await FakeTelegramServer.start();
    api = await startApiHarness({ CRM_ALLOW_LOOPBACK_URLS: 'true', TELEGRAM_API_ROOT: tg.apiRoot, LOG_LEVEL: 'warn' });
    prefix = api.env.KAFKA_TOPIC_PREFIX!;
    routing = await startLeadRouting(api.env);
    const port = await freePort();
    connector = await startService(connectorTelegramService, {
      env: {
        DATABASE_URL: api.env.DATABASE_URL,
        KAFKA_BROKERS: testBrokers().join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        SECRETS_KEY: api.env.SECRETS_KEY,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_HEALTH_INTERVAL_MS: '1000',
        LOG_LEVEL: 'warn',
        PORT: String(port),
      },
      handleSignals: false,
    });
    admin = api.token(await api.createAccount('Магазин'), 'admin');
  }, 120_000);

  afterAll(async () => {
    await connector?.close();
    await routing?.close();
    await api?.close();
    await tg?.close();
  });

  /** Customer writes → lead-routing → CRM events; agent replies → outbound → Telegram → status; close; delete. */
  async function runTraffic(): Promise<void> {
    const funnel = (await call('POST', '/funnels', { name: 'Продажи', stages: [{ name: 'Новые' }] })).body;
    const bot = tg.addBot({ username: 'shop_bot' });
    const created = await call('POST', '/channels', {
      name: 'Бот магазина',
      type: 'telegram',
      settings: { botToken: bot.token },
      routing: { funnelId: funnel.id, stageId: null, createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: true },
    });
    expect(created.status).toBe(201);
    const channelId = created.body.id as string;
    await waitFor(() => tg.webhookOf(bot.token), 20_000, 'the connector registered the webhook');

    const update = FakeTelegramServer.textUpdate({ chatId: 7001, messageId: 1, text: 'Здравствуйте! Есть доставка?', from: { id: 7001, is_bot: false, first_name: 'Иван', username: 'ivan' } });
    expect((await tg.deliverUpdate(bot.token, update)).status).toBe(200);
    const dialog = await waitFor(() => one<{ id: string; lead_id: string }>(`SELECT id, lead_id FROM dialogs WHERE channel_id = $1`, [channelId]), 20_000, 'dialog routed');

    const reply = await call('POST', `/dialogs/${dialog.id}/messages`, { text: 'Да, доставка бесплатная' });
    expect(reply.status).toBe(201);
    await waitFor(async () => (await one<{ status: string }>(`SELECT status FROM messages WHERE id = $1`, [reply.body.id]))?.status === 'sent', 20_000, 'reply sent and its status applied');

    expect((await call('POST', `/dialogs/${dialog.id}/close`)).status).toBe(200);
    expect((await call('PATCH', `/leads/${dialog.lead_id}`, { status: 'won' })).status).toBe(200);
    expect((await call('DELETE', `/channels/${channelId}`)).status).toBeLessThan(300);
    await waitFor(async () => Number((await one<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE published_at IS NULL`, [])).n) === 0, 20_000, 'outbox drained');
  }

  /**
   * A connector's well-formed message for a channel lead-routing does not know (deleted meanwhile): a final error,
   * so lead-routing writes it to the dead-letter topic.
   */
  async function deadLetterOne(): Promise<void> {
    const producer = await testProducer(prefix, 'asyncapi-widget');
    try {
      const channelId = randomUUID();
      const data = { channelType: 'widget', externalMessageId: randomUUID(), externalChatId: 'visitor-1', sender: { externalUserId: 'visitor-1' }, kind: 'text', text: 'Есть кто?', attachments: [], event: 'new', sentAt: new Date().toISOString() } as InboundMessageData;
      const envelope = createEnvelope('message.inbound', data, { accountId: randomUUID(), channelId });
      await producer.send(Topics.ChannelsInbound, [{ key: chatKey(channelId, data.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope) }]);
    } finally {
      await producer.disconnect();
    }
    await readTopic(dlqTopicOf(prefixedTopic(prefix, Topics.ChannelsInbound)), { expect: 1, timeoutMs: 20_000 });
  }

  async function topicsUnderPrefix(): Promise<string[]> {
    const admin = new Kafka({ brokers: testBrokers(), clientId: 'asyncapi-test', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
    } finally {
      await admin.disconnect();
    }
  }

  it('every record of every topic matches its message in the document', async () => {
    await runTraffic();
    await deadLetterOne();
    const validator = new AsyncApiRecordValidator(buildAsyncApiDocument(), prefix);
    const topics = await topicsUnderPrefix();
    expect(topics.filter((t) => !validator.topics().includes(t))).toEqual([]);

    const verdicts: Array<RecordVerdict & { at: string; eventType?: string; kind?: string }> = [];
    for (const topic of topics) {
      for (const record of await readTopic(topic)) {
        const verdict = validator.validate({ topic, ...record });
        const kind = verdict.problems.length === 0 && record.value ? (JSON.parse(record.value.toString('utf8')) as { data?: { kind?: string } }).data?.kind : undefined;
        verdicts.push({ ...verdict, at: `${topic}@${record.partition}:${record.offset}`, eventType: record.headers['x-event-type'], kind });
      }
    }
    expect(verdicts.filter((v) => v.problems.length > 0).map((v) => `${v.at} (${v.eventType}): ${v.problems.join('; ')}`)).toEqual([]);

    // The traffic covered every message of the data topics, and the CRM kinds of the flow.
    const seen = new Set(verdicts.map((v) => v.message!.split('/')[1]));
    expect([...seen].sort()).toEqual(['ChannelConfig', TOMBSTONE_MESSAGE, 'ChannelHealth', 'CrmEvent', DEAD_LETTER_MESSAGE, 'MessageInbound', 'MessageOutbound', 'MessageStatus'].sort());
    const kinds = new Set(verdicts.filter((v) => v.eventType === 'crm.event').map((v) => v.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['client.created', 'lead.created', 'dialog.opened', 'message.received', 'message.sent', 'message.status', 'dialog.closed', 'lead.updated']));
  });
});
