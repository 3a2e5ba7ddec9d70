import { Inject, Injectable } from '@nestjs/common';
import { chatKey, createEnvelope, encodeEnvelope, eventHeaders, type InboundMessageData, type MessageStatusData, Topics } from '@crm/contracts';
import { EventProducer, type OutgoingMessage } from '@crm/messaging';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { KIT_OPTIONS } from '../tokens';

/** Kafka did not confirm the records in time (or refused them): the webhook must answer 5xx so the platform re-delivers. */
export class InboundNotStoredError extends Error {
  constructor(cause: unknown) {
    super(`inbound message not stored on Kafka: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'InboundNotStoredError';
  }
}

/** A base topic and one record for it. */
export interface TopicRecord {
  topic: string;
  record: OutgoingMessage;
}

interface Waiting {
  records: TopicRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Scope = { channelId: string; accountId: string };

/**
 * Puts normalized messages on channels.inbound.v1 (key `channelId:externalChatId`, so one chat stays in order) — and
 * delivery statuses a webhook reported on channels.status.v1 — and resolves only once Kafka has them with acks=all,
 * or rejects with InboundNotStoredError after produceTimeoutMs. A late success after the timeout is harmless: the
 * platform re-delivers, the message id is stable and lead-routing stores it once.
 *
 * Records of concurrent calls are gathered for produceLingerMs and produced together, in call order: on a busy
 * endpoint a produce request per call costs the connector and the broker several times the CPU of the rest of the path.
 */
@Injectable()
export class InboundPublisher {
  private waiting: Waiting[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly producer: EventProducer,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
  ) {}

  /** Validates against the contract and encodes; throws ContractViolationError for a message consumers would reject. */
  encode(channel: Scope, data: InboundMessageData, correlationId?: string): OutgoingMessage {
    const envelope = createEnvelope('message.inbound', data, { accountId: channel.accountId, channelId: channel.channelId });
    return { key: chatKey(channel.channelId, data.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope, correlationId) };
  }

  /** A message.status record (key `channelId:externalChatId`), validated. */
  encodeStatus(channel: Scope, data: MessageStatusData, correlationId?: string): OutgoingMessage {
    const envelope = createEnvelope('message.status', data, { accountId: channel.accountId, channelId: channel.channelId });
    return { key: chatKey(channel.channelId, data.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope, correlationId) };
  }

  /** Encodes and publishes inbound messages of one channel; resolves after acks=all. */
  async publish(channel: Scope, messages: InboundMessageData[], correlationId?: string): Promise<void> {
    await this.publishRecords(messages.map((m) => ({ topic: Topics.ChannelsInbound, record: this.encode(channel, m, correlationId) })));
  }

  /** Already encoded records (any of our topics), produced together. */
  async publishRecords(records: TopicRecord[]): Promise<void> {
    if (records.length === 0) return;
    let deadline: NodeJS.Timeout | undefined;
    const stored = new Promise<void>((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.options.produceLingerMs);
    });
    const timeout = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`no acknowledgement within ${this.options.produceTimeoutMs} ms`)), this.options.produceTimeoutMs);
    });
    try {
      await Promise.race([stored, timeout]);
    } catch (err) {
      throw new InboundNotStoredError(err);
    } finally {
      clearTimeout(deadline);
    }
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.timer = undefined;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const { topic, record } of batch.flatMap((w) => w.records)) {
      const list = byTopic.get(topic);
      if (list) list.push(record);
      else byTopic.set(topic, [record]);
    }
    Promise.all([...byTopic].map(([topic, records]) => this.producer.send(topic, records))).then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }
}
