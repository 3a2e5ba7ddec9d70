import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { chatKey, createEnvelope, CrmEventData, crmEventKey, encodeEnvelope, eventHeaders, OutboundMessageData, TOPIC_SPECS, Topics } from '@crm/contracts';
import { ensureTopics, EventProducer, KafkaConnection } from '@crm/messaging';
import { createTestDatabase, TestDatabase } from '@crm/persistence';
import { RunningService, startService } from '@crm/service-kit';
import { captureLogs, jsonRequest, testBrokers, uniqueTopicPrefix } from '@crm/testing';
import { ConnectorWidgetConfig } from '../config/connector-widget.config';
import { connectorWidgetService } from '../connector-widget.service-definition';

export const SITE = 'https://shop.example';

export interface WidgetChannelRow {
  id: string;
  accountId: string;
  publicKey: string;
}

export interface WidgetHarness {
  url: string;
  service: RunningService<ConnectorWidgetConfig>;
  db: TestDatabase;
  dataSource: DataSource;
  env: NodeJS.ProcessEnv;
  logs: string[];
  prefix: string;
  createAccount(): Promise<string>;
  /** Inserts a widget channel the way the api stores one (settings jsonb, public_key, status). */
  createChannel(accountId: string, settings?: Record<string, unknown>, status?: 'active' | 'inactive'): Promise<WidgetChannelRow>;
  request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; origin?: string | null; token?: string }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** POST session from SITE. */
  session(publicKey: string, body?: Record<string, unknown>): Promise<{ token: string; visitorId: string; [k: string]: any }>;
  /** What lead-routing and the api would have stored: the visitor's dialog and a message in it. */
  storeMessage(channel: WidgetChannelRow, visitorId: string, message: { direction: 'in' | 'out'; text: string; externalId?: string | null; status?: string; createdAt?: Date }): Promise<{ dialogId: string; messageId: string }>;
  /** An agent reply command on channels.outbound.v1, as the api's outbox publishes it. */
  publishReply(channel: WidgetChannelRow, data: Partial<OutboundMessageData> & { messageId: string; dialogId: string; externalChatId: string; text: string }): Promise<void>;
  /** A CRM event on crm.events.v1, as lead-routing's outbox publishes it. */
  publishCrmEvent(channel: WidgetChannelRow, data: CrmEventData): Promise<void>;
  topic(base: string): string;
  close(): Promise<void>;
}

/**
 * Creates the topics of `prefix` before any service boots. Under parallel test workers KRaft may answer the metadata
 * request that follows createTopics with UNKNOWN_TOPIC_OR_PARTITION (kafkajs only waits out LEADER_NOT_AVAILABLE),
 * failing a service's own ensureTopics at boot; retrying here makes the services find the topics already there.
 */
export async function createTopicsFor(prefix: string): Promise<void> {
  const connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'widget-test-topics', topicPrefix: prefix });
  const specs = TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted, config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])) }));
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(connection, specs);
      return;
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

export async function startWidgetHarness(envOverrides: NodeJS.ProcessEnv = {}): Promise<WidgetHarness> {
  const db = await createTestDatabase();
  const prefix = uniqueTopicPrefix('widget');
  await createTopicsFor(prefix);
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
    PUBLIC_URL: 'http://localhost:8080',
    LOG_LEVEL: 'info',
    PORT: '0',
    ...envOverrides,
  };
  const { lines: logs, destination } = captureLogs();
  const service = await startService(connectorWidgetService, { env, logDestination: destination, handleSignals: false });
  const dataSource = service.app.get(DataSource);
  const connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'widget-test', topicPrefix: prefix });
  const producer = new EventProducer(connection);
  await producer.connect();

  const harness: WidgetHarness = {
    url: service.url,
    service,
    db,
    dataSource,
    env,
    logs,
    prefix,
    topic: (base) => `${prefix}${base}`,
    async createAccount() {
      const id = randomUUID();
      await dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, 'Widget test')`, [id]);
      return id;
    },
    async createChannel(accountId, settings = { allowedOrigins: [SITE], title: 'Поддержка', greeting: 'Здравствуйте!', color: '#0f766e' }, status = 'active') {
      const publicKey = randomBytes(18).toString('base64url');
      const [row] = await dataSource.query(
        `INSERT INTO channels (account_id, type, name, status, settings, public_key) VALUES ($1, 'widget', 'Виджет', $2, $3::jsonb, $4) RETURNING id`,
        [accountId, status, JSON.stringify(settings), publicKey],
      );
      return { id: row.id, accountId, publicKey };
    },
    request(method, path, options = {}) {
      const origin = options.origin === undefined ? SITE : options.origin;
      return jsonRequest(service.url, method, path, { ...options, headers: { ...(origin ? { origin } : {}), ...options.headers } });
    },
    async session(publicKey, body = {}) {
      const res = await harness.request('POST', `/widget/v1/${publicKey}/session`, { body });
      if (res.status !== 200) throw new Error(`session failed: ${res.status} ${res.text}`);
      return res.body;
    },
    async storeMessage(channel, visitorId, message) {
      const [dialog] = await dataSource.query(
        `INSERT INTO dialogs (account_id, channel_id, external_chat_id) VALUES ($1, $2, $3)
         ON CONFLICT ON CONSTRAINT uq_dialogs_channel_external_chat DO UPDATE SET updated_at = now() RETURNING id`,
        [channel.accountId, channel.id, visitorId],
      );
      const [row] = await dataSource.query(
        `INSERT INTO messages (account_id, dialog_id, channel_id, direction, kind, text, external_id, status, sender_external_user_id, created_at)
         VALUES ($1, $2, $3, $4, 'text', $5, $6, $7, $8, $9) RETURNING id`,
        [
          channel.accountId,
          dialog.id,
          channel.id,
          message.direction,
          message.text,
          message.externalId ?? null,
          message.status ?? (message.direction === 'in' ? 'received' : 'queued'),
          message.direction === 'in' ? visitorId : null,
          message.createdAt ?? new Date(),
        ],
      );
      return { dialogId: dialog.id, messageId: row.id };
    },
    async publishReply(channel, data) {
      const payload: OutboundMessageData = { channelType: 'widget', ...data };
      const envelope = createEnvelope('message.outbound', payload, { accountId: channel.accountId, channelId: channel.id });
      await producer.send(Topics.ChannelsOutbound, [{ key: chatKey(channel.id, data.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope) }]);
    },
    async publishCrmEvent(channel, data) {
      const envelope = createEnvelope('crm.event', data, { accountId: channel.accountId, channelId: channel.id });
      await producer.send(Topics.CrmEvents, [{ key: crmEventKey(data.dialogId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope) }]);
    },
    async close() {
      await producer.disconnect();
      await service.close();
      await db.drop();
    },
  };
  return harness;
}
