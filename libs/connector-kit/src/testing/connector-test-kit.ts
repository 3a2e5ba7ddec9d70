// Test helpers for connectors built on the kit: what the api would publish (channel config with its x-channel-type
// header, send commands) and a live reader of the topics a connector writes. Real Kafka; nothing here stands in for
// our own services.
import { randomBytes, randomUUID } from 'node:crypto';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import {
  type ChannelStatus,
  type ChannelType,
  chatKey,
  createEnvelope,
  encodeEnvelope,
  eventHeaders,
  HEADER_CHANNEL_TYPE,
  type OutboundMessageData,
  TOPIC_SPECS,
  Topics,
} from '@crm/contracts';
import { ensureTopics, EventProducer, KafkaConnection } from '@crm/messaging';
import { encryptJson, encryptSecret } from '@crm/secrets';

export interface ConnectorTestKitOptions {
  brokers: string[];
  topicPrefix: string;
  /** SECRETS_KEY of the connector under test (base64 of 32 bytes). */
  secretsKey: string;
}

export interface TestChannelInput {
  channelId: string;
  accountId: string;
  type: ChannelType;
  /** The type's secret settings, stored encrypted (e.g. `{ botToken }`). */
  credentials: Record<string, unknown>;
  settings?: Record<string, unknown>;
  name?: string;
  status?: ChannelStatus;
  revision?: number;
  /** A generated webhook secret (stored encrypted). */
  webhookSecret?: string;
  /** false = publish without the x-channel-type header, as records written before it existed. */
  typeHeader?: boolean;
}

/** A decoded record the connector produced. */
export interface SeenRecord {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  /** The envelope (parsed JSON). */
  value: { id: string; type: string; accountId: string; channelId?: string; data: Record<string, any> };
  /** When this reader received it (ms since epoch). */
  seenAt: number;
}

/** Creates the topics, publishes config/commands like the api does, and records what lands on inbound/status. */
export class ConnectorTestKit {
  readonly connection: KafkaConnection;
  readonly producer: EventProducer;
  readonly seen: SeenRecord[] = [];
  private consumer?: Consumer;
  private readonly key: Buffer;
  private listeners: Array<(r: SeenRecord) => void> = [];

  protected constructor(private readonly options: ConnectorTestKitOptions) {
    this.connection = new KafkaConnection({ brokers: options.brokers, clientId: `connector-kit-${randomBytes(3).toString('hex')}`, topicPrefix: options.topicPrefix });
    this.producer = new EventProducer(this.connection);
    this.key = Buffer.from(options.secretsKey, 'base64');
  }

  static async start(options: ConnectorTestKitOptions): Promise<ConnectorTestKit> {
    const kit = new ConnectorTestKit(options);
    await kit.init();
    return kit;
  }

  protected async init(): Promise<void> {
    await ensureTopics(
      this.connection,
      TOPIC_SPECS.map((s) => ({ name: s.name, partitions: s.partitions, compacted: s.compacted, config: Object.fromEntries(s.configEntries.map((e) => [e.name, e.value])) })),
    );
    await this.producer.connect();
  }

  /** Starts recording channels.inbound.v1 and channels.status.v1 from their beginning. */
  async watch(): Promise<void> {
    const kafka = new Kafka({ brokers: this.options.brokers, clientId: 'connector-kit-reader', logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `${this.options.topicPrefix}kit-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    for (const base of [Topics.ChannelsInbound, Topics.ChannelsStatus]) await this.consumer.subscribe({ topic: this.connection.topic(base), fromBeginning: true });
    let joined!: () => void;
    const ready = new Promise<void>((r) => (joined = r));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => joined());
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
        const record: SeenRecord = {
          topic: topic.slice(this.options.topicPrefix.length),
          key: message.key?.toString() ?? null,
          headers,
          value: JSON.parse(message.value!.toString()),
          seenAt: Date.now(),
        };
        this.seen.push(record);
        for (const l of this.listeners) l(record);
      },
    });
    await ready;
  }

  onRecord(listener: (r: SeenRecord) => void): void {
    this.listeners.push(listener);
  }

  inbound(channelId?: string): SeenRecord[] {
    return this.seen.filter((r) => r.topic === Topics.ChannelsInbound && (!channelId || r.value.channelId === channelId));
  }

  statuses(type: 'message.status' | 'channel.health', channelId?: string): SeenRecord[] {
    return this.seen.filter((r) => r.topic === Topics.ChannelsStatus && r.value.type === type && (!channelId || r.value.channelId === channelId));
  }

  /** A channel.config record (or, with `tombstone`, the delete tombstone) as the api publishes it. */
  async publishChannel(input: TestChannelInput | { channelId: string; tombstone: true }): Promise<void> {
    if ('tombstone' in input) {
      await this.producer.send(Topics.ChannelsConfig, [{ key: input.channelId, value: null }]);
      return;
    }
    const envelope = createEnvelope(
      'channel.config',
      {
        channelId: input.channelId,
        accountId: input.accountId,
        type: input.type,
        name: input.name ?? `${input.type} channel`,
        status: input.status ?? 'active',
        settings: input.settings ?? {},
        encryptedSecrets: encryptJson(input.credentials, this.key),
        ...(input.webhookSecret ? { webhookSecret: encryptSecret(input.webhookSecret, this.key) } : {}),
        revision: input.revision ?? 1,
        updatedAt: new Date().toISOString(),
      },
      { accountId: input.accountId, channelId: input.channelId },
    );
    const headers = { ...eventHeaders(envelope), ...(input.typeHeader === false ? {} : { [HEADER_CHANNEL_TYPE]: input.type }) };
    await this.producer.send(Topics.ChannelsConfig, [{ key: input.channelId, value: encodeEnvelope(envelope), headers }]);
  }

  /** A send command on channels.outbound.v1 as the api's outbox publishes it. Returns its data. */
  async publishOutbound(
    target: { accountId: string; channelId: string },
    message: Partial<OutboundMessageData> & { externalChatId: string; text: string; channelType: ChannelType },
    options: { typeHeader?: boolean } = {},
  ): Promise<OutboundMessageData> {
    const data: OutboundMessageData = { messageId: randomUUID(), dialogId: randomUUID(), ...message };
    const envelope = createEnvelope('message.outbound', data, target);
    const headers = { ...eventHeaders(envelope), ...(options.typeHeader === false ? {} : { [HEADER_CHANNEL_TYPE]: data.channelType }) };
    await this.producer.send(Topics.ChannelsOutbound, [{ key: chatKey(target.channelId, data.externalChatId), value: encodeEnvelope(envelope), headers }]);
    return data;
  }

  /** The variables that point a connector at this kit's Kafka with its secrets key. */
  serviceEnv(): { KAFKA_BROKERS: string; KAFKA_TOPIC_PREFIX: string; SECRETS_KEY: string } {
    return { KAFKA_BROKERS: this.options.brokers.join(','), KAFKA_TOPIC_PREFIX: this.options.topicPrefix, SECRETS_KEY: this.options.secretsKey };
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer.disconnect();
  }
}
