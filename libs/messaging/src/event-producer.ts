import { CompressionTypes, IHeaders, Partitioners, Producer, TopicMessages } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';

export interface OutgoingMessage {
  key: string | null;
  /** null produces a tombstone (compacted topics). */
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

interface Pending {
  topic: string;
  message: OutgoingMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Idempotent producer whose `send` resolves only once every in-sync replica has the message (acks=all).
 *
 * Concurrent `send` calls are coalesced: while one request is in flight, new messages queue up and go out together
 * in the next request (group commit). That keeps per-partition order and idempotence (one request in flight) while
 * a busy webhook endpoint still gets one broker round trip for many messages instead of one each.
 */
export class EventProducer {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private flushing = false;
  private connected = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: { maxBatchMessages?: number; timeoutMs?: number } = {},
  ) {
    this.producer = connection.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 partitioning: a key lands on the same partition as with any other Kafka client.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on('producer.disconnect', () => {
      this.connected = false;
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async disconnect(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.producer.disconnect();
    this.connected = false;
  }

  /** Sends to a base topic (the prefix is applied here). Resolves after acks=all; rejects when Kafka did not take it. */
  send(baseTopic: string, messages: OutgoingMessage[]): Promise<void> {
    return this.sendRaw(this.connection.topic(baseTopic), messages);
  }

  /** Sends to an already fully-qualified topic name (e.g. a DLQ). */
  sendRaw(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const all = messages.map(
      (message) => new Promise<void>((resolve, reject) => this.queue.push({ topic, message, resolve, reject })),
    );
    void this.flush();
    return Promise.all(all).then(() => undefined);
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatchMessages ?? 2000);
        const byTopic = new Map<string, TopicMessages>();
        for (const p of batch) {
          const entry = byTopic.get(p.topic) ?? { topic: p.topic, messages: [] };
          entry.messages.push({ key: p.message.key, value: p.message.value, headers: p.message.headers as IHeaders });
          byTopic.set(p.topic, entry);
        }
        try {
          await this.producer.sendBatch({
            topicMessages: [...byTopic.values()],
            acks: -1,
            timeout: this.options.timeoutMs ?? 10_000,
            compression: CompressionTypes.None,
          });
          batch.forEach((p) => p.resolve());
        } catch (err) {
          batch.forEach((p) => p.reject(err));
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
