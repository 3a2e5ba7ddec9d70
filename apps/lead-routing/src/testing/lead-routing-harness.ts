import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { chatKey, createEnvelope, encodeEnvelope, EventEnvelope, InboundMessageData, TOPIC_SPECS, Topics } from '@crm/contracts';
import { ensureTopics, EventProducer, KafkaConnection } from '@crm/messaging';
import { createDataSource, createTestDatabase, type TestDatabase } from '@crm/persistence';
import { startService, type RunningService } from '@crm/service-kit';
import { testBrokers, uniqueTopicPrefix, waitFor } from '@crm/testing';
import { LeadRoutingConfig } from '../config/lead-routing.config';
import { leadRoutingService } from '../lead-routing.service-definition';

export interface RoutingToggles {
  createLeadOnFirstMessage?: boolean;
  findExistingLead?: boolean;
  createClientOnFirstMessage?: boolean;
  autoMatchClient?: boolean;
}

export interface ChannelSeed extends RoutingToggles {
  accountId: string;
  type?: 'telegram' | 'whatsapp' | 'vk' | 'avito' | 'widget';
  name?: string;
  funnelId?: string | null;
  stageId?: string | null;
}

export type InboundOverrides = Partial<Omit<InboundMessageData, 'sender'>> & { sender?: Partial<InboundMessageData['sender']> };

/**
 * Real Postgres (a fresh clone of the migrated template) and Kafka (a unique topic prefix) for lead-routing tests,
 * with seeding helpers and a producer for normalized inbound events. The service itself is started in-process with
 * `start()` or run elsewhere (a child process) against `env`.
 */
export class LeadRoutingHarness {
  service?: RunningService<LeadRoutingConfig>;
  readonly logs: string[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly dataSource: DataSource,
    readonly connection: KafkaConnection,
    readonly producer: EventProducer,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(envOverrides: NodeJS.ProcessEnv = {}): Promise<LeadRoutingHarness> {
    const db = await createTestDatabase();
    const prefix = uniqueTopicPrefix('lr');
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: testBrokers().join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'info',
      PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ROUTING_CHANNEL_CACHE_TTL_MS: '0',
      ...envOverrides,
    };
    const dataSource = createDataSource({ url: db.url, poolSize: 4 });
    await dataSource.initialize();
    const connection = new KafkaConnection({ brokers: testBrokers(), clientId: 'lead-routing-test', topicPrefix: prefix });
    await ensureTopics(
      connection,
      TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted, config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])) })),
    );
    const producer = new EventProducer(connection);
    await producer.connect();
    return new LeadRoutingHarness(db, dataSource, connection, producer, env);
  }

  /** Boots lead-routing in this process (its consumer has joined the group when this resolves). */
  async start(): Promise<RunningService<LeadRoutingConfig>> {
    const logs = this.logs;
    const destination = new Writable({
      write(chunk, _e, cb) {
        logs.push(...chunk.toString().split('\n').filter(Boolean));
        cb();
      },
    });
    this.service = await startService(leadRoutingService, { env: this.env, logDestination: destination as never, handleSignals: false });
    return this.service;
  }

  async stop(): Promise<void> {
    await this.service?.close();
    this.service = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.producer.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.db.drop();
  }

  // --- seeding ---------------------------------------------------------------------------------------------------

  async account(name = 'Test account'): Promise<string> {
    const id = randomUUID();
    await this.dataSource.query(`INSERT INTO accounts (id, name) VALUES ($1, $2)`, [id, name]);
    return id;
  }

  /** A funnel with stages (by position); returns the funnel id and the stage ids in order. */
  async funnel(accountId: string, stages = ['Новые', 'В работе', 'Успех']): Promise<{ funnelId: string; stageIds: string[] }> {
    const [{ id: funnelId }] = await this.dataSource.query(`INSERT INTO funnels (account_id, name) VALUES ($1, 'Продажи') RETURNING id`, [accountId]);
    const stageIds: string[] = [];
    for (const [position, name] of stages.entries()) {
      const [{ id }] = await this.dataSource.query(
        `INSERT INTO funnel_stages (account_id, funnel_id, name, position) VALUES ($1, $2, $3, $4) RETURNING id`,
        [accountId, funnelId, name, position],
      );
      stageIds.push(id);
    }
    return { funnelId, stageIds };
  }

  async channel(seed: ChannelSeed): Promise<string> {
    const [{ id }] = await this.dataSource.query(
      `INSERT INTO channels (account_id, type, name, status, funnel_id, stage_id, create_lead_on_first_message, find_existing_lead,
                             create_client_on_first_message, auto_match_client)
       VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        seed.accountId,
        seed.type ?? 'telegram',
        seed.name ?? 'Telegram бот',
        seed.funnelId ?? null,
        seed.stageId ?? null,
        seed.createLeadOnFirstMessage ?? false,
        seed.findExistingLead ?? false,
        seed.createClientOnFirstMessage ?? false,
        seed.autoMatchClient ?? false,
      ],
    );
    return id;
  }

  /** A client; its phone counts as verified unless `phoneVerified: false` (e.g. typed by a widget visitor). */
  async client(accountId: string, name: string, phoneE164: string | null = null, { phoneVerified = phoneE164 !== null } = {}): Promise<string> {
    const [{ id }] = await this.dataSource.query(`INSERT INTO clients (account_id, name, phone_e164, phone_verified) VALUES ($1, $2, $3, $4) RETURNING id`, [
      accountId,
      name,
      phoneE164,
      phoneVerified,
    ]);
    return id;
  }

  async identity(
    accountId: string,
    clientId: string,
    channelId: string,
    externalUserId: string,
    extra: { channelType?: string; username?: string; matchRule?: string; phoneE164?: string } = {},
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO client_identities (account_id, client_id, channel_id, channel_type, external_user_id, username, match_rule, phone_e164)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [accountId, clientId, channelId, extra.channelType ?? 'telegram', externalUserId, extra.username ?? null, extra.matchRule ?? 'created', extra.phoneE164 ?? null],
    );
  }

  /** A lead of the client in an (old, closed) dialog of the channel. */
  async lead(accountId: string, clientId: string, channelId: string, status: 'open' | 'won' | 'lost'): Promise<string> {
    const [{ id: dialogId }] = await this.dataSource.query(
      `INSERT INTO dialogs (account_id, channel_id, external_chat_id, status, client_id) VALUES ($1, $2, $3, 'closed', $4) RETURNING id`,
      [accountId, channelId, `old-${randomUUID()}`, clientId],
    );
    const [{ id }] = await this.dataSource.query(
      `INSERT INTO leads (account_id, client_id, channel_id, dialog_id, title, status) VALUES ($1, $2, $3, $4, 'Старая сделка', $5) RETURNING id`,
      [accountId, clientId, channelId, dialogId, status],
    );
    return id;
  }

  // --- producing -------------------------------------------------------------------------------------------------

  inbound(accountId: string, channelId: string, overrides: InboundOverrides = {}): { envelope: EventEnvelope<InboundMessageData>; key: string } {
    const { sender, ...rest } = overrides;
    const data: InboundMessageData = {
      channelType: 'telegram',
      externalMessageId: randomUUID(),
      externalChatId: 'chat-1',
      kind: 'text',
      text: 'Здравствуйте!',
      attachments: [],
      event: 'new',
      sentAt: new Date().toISOString(),
      ...rest,
      sender: { externalUserId: 'user-1', displayName: 'Иван Петров', ...sender },
    } as InboundMessageData;
    const envelope = createEnvelope('message.inbound', data, { accountId, channelId });
    return { envelope, key: chatKey(channelId, data.externalChatId) };
  }

  /** Produces envelopes (validated like a connector would) in the given order. */
  async produce(messages: Array<{ envelope: object; key: string }>): Promise<void> {
    await this.producer.send(
      Topics.ChannelsInbound,
      messages.map((m) => ({
        key: m.key,
        value: encodeEnvelope(m.envelope as never),
        headers: { 'x-event-type': 'message.inbound', 'x-correlation-id': (m.envelope as { id: string }).id },
      })),
    );
  }

  // --- observing -------------------------------------------------------------------------------------------------

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM (${sql}) q`, params);
    return n;
  }

  async waitForMessages(expected: number, timeoutMs = 30_000, where = 'TRUE', params: unknown[] = []): Promise<void> {
    await waitFor(async () => (await this.count(`SELECT 1 FROM messages WHERE ${where}`, params)) >= expected, timeoutMs, `${expected} stored messages`);
  }

  /** A plain connection to the admin database (to take the test database down and up). */
  async admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: process.env.CRM_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }
}
