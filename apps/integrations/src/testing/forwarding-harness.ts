import { randomUUID } from 'node:crypto';
import { chatKey, createEnvelope, CrmEventData, crmEventKey, decodeEnvelope, encodeEnvelope, eventHeaders, Topics, type EventEnvelope, type InboundMessageData } from '@crm/contracts';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { startService, type RunningService } from '@crm/service-kit';
import { captureLogs, FakeBitrix24Server, readTopic, testBrokers, waitFor, type FakeBitrix24Webhook } from '@crm/testing';
import { leadRoutingService } from '../../../lead-routing/src/lead-routing.service-definition';
import type { LeadRoutingConfig } from '../../../lead-routing/src/config/lead-routing.config';
import { startApiHarness, type ApiHarness } from '../../../api/src/testing/api-test-harness';
import type { IntegrationsConfig } from '../config/integrations.config';
import { integrationsService } from '../integrations.service-definition';

export interface ChannelOptions {
  integrationId: string | null;
  type?: 'telegram' | 'whatsapp' | 'vk' | 'avito' | 'widget';
  name?: string;
  createLead?: boolean;
  createClient?: boolean;
  autoMatch?: boolean;
  findExistingLead?: boolean;
}

export interface InboundOptions {
  chatId: string;
  userId?: string;
  text?: string;
  name?: string;
  username?: string;
  phone?: string;
  phoneVerified?: boolean;
  sentAt?: Date;
}

export interface SyncRecordRow {
  id: string;
  entity_type: 'client' | 'lead' | 'message';
  entity_id: string;
  lead_id: string | null;
  state: 'pending' | 'synced' | 'failed';
  external_id: string | null;
  last_error: string | null;
  attempts: number;
  needs_lookup: boolean;
  next_attempt_at: Date;
  created_at: Date;
}

/**
 * The forwarding path end to end on real Kafka and Postgres: the api (integrations, leads, replay), lead-routing
 * (inbound → clients, leads, messages, CRM events) and one or more integrations service instances, all in this
 * process on one database and one topic prefix, forwarding to a fake Bitrix24 portal.
 */
export class ForwardingHarness {
  readonly integrations: Array<RunningService<IntegrationsConfig>> = [];
  private readonly logCapture = captureLogs();
  accountId = '';
  admin = '';

  private constructor(
    readonly api: ApiHarness,
    readonly b24: FakeBitrix24Server,
    readonly leadRouting: RunningService<LeadRoutingConfig>,
    private readonly producer: EventProducer,
    private readonly integrationsEnv: NodeJS.ProcessEnv,
  ) {}

  static async start(options: { integrationsEnv?: NodeJS.ProcessEnv; instances?: number; rateLimit?: { perSecond: number; burst: number } | false } = {}): Promise<ForwardingHarness> {
    const b24 = await FakeBitrix24Server.start({ rateLimit: options.rateLimit });
    const api = await startApiHarness({ CRM_ALLOW_LOOPBACK_URLS: 'true', PLATFORM_VERIFY_TIMEOUT_MS: '1500' });
    const shared = { DATABASE_URL: api.db.url, KAFKA_BROKERS: testBrokers().join(','), KAFKA_TOPIC_PREFIX: api.env.KAFKA_TOPIC_PREFIX, LOG_LEVEL: 'info', PORT: '0' };
    const leadRouting = await startService(leadRoutingService, {
      env: { ...shared, ROUTING_CHANNEL_CACHE_TTL_MS: '0', KAFKA_SESSION_TIMEOUT_MS: '6000' },
      logDestination: captureLogs().destination,
      handleSignals: false,
    });
    const producer = new EventProducer(new KafkaConnection({ brokers: testBrokers(), clientId: 'forwarding-test', topicPrefix: api.env.KAFKA_TOPIC_PREFIX ?? '' }));
    await producer.connect();
    const integrationsEnv: NodeJS.ProcessEnv = {
      ...shared,
      SECRETS_KEY: api.env.SECRETS_KEY,
      CRM_ALLOW_LOOPBACK_URLS: 'true',
      CRM_HTTP_TIMEOUT_MS: '2000',
      SYNC_POLL_MS: '50',
      SYNC_BATCH_LINGER_MS: '0',
      SYNC_BACKOFF_BASE_MS: '200',
      SYNC_BACKOFF_MAX_MS: '1000',
      INTEGRATION_RECHECK_MS: '200',
      ...options.integrationsEnv,
    };
    const harness = new ForwardingHarness(api, b24, leadRouting, producer, integrationsEnv);
    harness.accountId = await api.createAccount();
    harness.admin = api.token(harness.accountId);
    for (let i = 0; i < (options.instances ?? 1); i++) await harness.startIntegrations(`i${i}`);
    return harness;
  }

  /** One more integrations service instance (sharing the database, topics and consumer group). */
  async startIntegrations(instanceId: string, env: NodeJS.ProcessEnv = {}): Promise<RunningService<IntegrationsConfig>> {
    const service = await startService(integrationsService, {
      env: { ...this.integrationsEnv, SERVICE_INSTANCE_ID: instanceId, ...env },
      logDestination: this.logCapture.destination,
      handleSignals: false,
    });
    this.integrations.push(service);
    return service;
  }

  /** Every JSON log line of the integrations instances. */
  get integrationLogs(): string[] {
    return this.logCapture.lines;
  }

  async close(): Promise<void> {
    for (const service of this.integrations.splice(0)) await service.close();
    await this.leadRouting.close();
    await this.producer.disconnect();
    await this.api.close();
    await this.b24.close();
  }

  request(method: string, path: string, body?: unknown) {
    return this.api.request(method, path, { token: this.admin, body });
  }

  /** A Bitrix24 integration through the API (the webhook is checked against the fake). */
  async integration(hook: FakeBitrix24Webhook = this.b24.addWebhook(), name = 'Bitrix24'): Promise<string> {
    const res = await this.request('POST', '/api/v1/integrations', { type: 'bitrix24', name, settings: { webhookUrl: hook.url } });
    if (res.status !== 201) throw new Error(`integration not created: ${res.status} ${res.text}`);
    return res.body.id;
  }

  /** A channel row linked to the integration (the database stamps integration_linked_at). */
  async channel(options: ChannelOptions): Promise<{ id: string; type: string }> {
    const type = options.type ?? 'telegram';
    const [{ id }] = await this.api.dataSource.query(
      `INSERT INTO channels (account_id, type, name, status, integration_id, create_lead_on_first_message, create_client_on_first_message,
                             auto_match_client, find_existing_lead)
       VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8) RETURNING id`,
      [this.accountId, type, options.name ?? 'Бот продаж', options.integrationId, options.createLead ?? true, options.createClient ?? true, options.autoMatch ?? false, options.findExistingLead ?? false],
    );
    return { id, type };
  }

  /** Normalized inbound messages as a connector publishes them (in order, acks=all). */
  async send(channel: { id: string; type: string }, ...messages: InboundOptions[]): Promise<void> {
    await this.producer.send(
      Topics.ChannelsInbound,
      messages.map((m) => {
        const data = {
          channelType: channel.type,
          externalMessageId: randomUUID(),
          externalChatId: m.chatId,
          kind: 'text',
          text: m.text ?? 'Здравствуйте!',
          attachments: [],
          event: 'new',
          sentAt: (m.sentAt ?? new Date()).toISOString(),
          sender: {
            externalUserId: m.userId ?? `u-${m.chatId}`,
            displayName: m.name ?? 'Иван Петров',
            ...(m.username ? { username: m.username } : {}),
            ...(m.phone ? { phone: m.phone, phoneVerified: m.phoneVerified ?? false } : {}),
          },
        } as InboundMessageData;
        const envelope = createEnvelope('message.inbound', data, { accountId: this.accountId, channelId: channel.id });
        return { key: chatKey(channel.id, m.chatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope) };
      }),
    );
  }

  /** The CRM events on crm.events.v1 so far (decoded), e.g. to find sync.updated or to deliver them again. */
  async crmEvents(): Promise<Array<{ key: string | null; value: Buffer; envelope: EventEnvelope<CrmEventData> }>> {
    const records = await readTopic(`${this.api.env.KAFKA_TOPIC_PREFIX}${Topics.CrmEvents}`);
    return records.filter((r) => r.value !== null).map((r) => ({ key: r.key, value: r.value!, envelope: decodeEnvelope(r.value, CrmEventData, { unknownFields: 'strip' }) }));
  }

  /** Delivers CRM events again, exactly as they were (same ids, keys and headers): a redelivery. */
  async redeliver(events: Array<{ key: string | null; value: Buffer; envelope: EventEnvelope<CrmEventData> }>): Promise<void> {
    await this.producer.send(
      Topics.CrmEvents,
      events.map((e) => ({ key: e.key ?? crmEventKey(e.envelope.data.dialogId), value: e.value, headers: eventHeaders(e.envelope) })),
    );
  }

  async records(integrationId: string): Promise<SyncRecordRow[]> {
    return this.api.dataSource.query(
      `SELECT id, entity_type, entity_id, lead_id, state, external_id, last_error, attempts, needs_lookup, next_attempt_at, created_at
         FROM integration_sync_jobs WHERE integration_id = $1 ORDER BY seq`,
      [integrationId],
    );
  }

  /** Waits until the integration has `count` records and every one of them is in `state`. */
  async waitForRecords(integrationId: string, count: number, state: SyncRecordRow['state'] = 'synced', timeoutMs = 30_000): Promise<SyncRecordRow[]> {
    let rows: SyncRecordRow[] = [];
    await waitFor(
      async () => {
        rows = await this.records(integrationId);
        return rows.length === count && rows.every((r) => r.state === state);
      },
      timeoutMs,
      `${count} ${state} records`,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; now: ${JSON.stringify(rows.map((r) => [r.entity_type, r.state, r.last_error, r.attempts]))}`);
    });
    return rows;
  }

  async integrationRow(integrationId: string): Promise<{ status: string; status_reason: string | null }> {
    const [row] = await this.api.dataSource.query(`SELECT status, status_reason FROM integrations WHERE id = $1`, [integrationId]);
    return row;
  }
}
