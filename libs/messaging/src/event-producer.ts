import { CompressionTypes, IHeaders, Producer, TopicMessages } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';
import { Murmur2Partitioner } from './murmur2-partitioner';

export interface OutgoingMessage {
  key: string | null;
  /** null produces a tombstone (compacted topics). */
  value: Buffer | string | null;
  headers?: Record<string, string>;
}

export interface EventProducerOptions {
  /** Most records in one produce request (default 2000). */
  maxBatchMessages?: number;
  /** How long the broker may wait for the in-sync replicas (acks=all), ms (default 10 000). */
  timeoutMs?: number;
  /**
   * kafkajs retries of one produce request before the send fails (default 5; kafkajs' own default for an idempotent
   * producer is unbounded, which holds every later send of the process behind one whose answers are lost).
   */
  retries?: number;
}

interface Pending {
  topic: string;
  message: OutgoingMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const DEFAULT_PRODUCE_RETRIES = 5;

/**
 * Idempotent producer whose `send` resolves only once every in-sync replica has the message (acks=all).
 *
 * Concurrent `send` calls are coalesced: while one request is in flight, new messages queue up and go out together
 * in the next request (group commit). That keeps per-partition order and idempotence (one request in flight) while
 * a busy webhook endpoint still gets one broker round trip for many messages instead of one each.
 *
 * A send that fails after kafkajs' retries may still have been written (its answer was lost). kafkajs then rolls the
 * partition's sequence number back, so the next batch would go out with the sequence of the one the broker already
 * has: the broker answers "duplicate" for a batch of the same size — the new records are silently dropped — or
 * OUT_OF_ORDER_SEQUENCE_NUMBER for any other size, forever. So a failed send retires the kafkajs producer and the
 * next one starts a fresh producer id (sequence 0): the failed records are reported as failed (the caller retries,
 * and consumers deduplicate), and nothing later is lost or wedged.
 */
export class EventProducer {
  private producer: Producer;
  private queue: Pending[] = [];
  private flushing = false;
  private connected = false;
  private retired: Promise<void> = Promise.resolve();
  private needsRenewal = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: EventProducerOptions = {},
  ) {
    this.producer = this.createProducer();
  }

  private createProducer(): Producer {
    const producer = this.connection.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: this.options.retries ?? DEFAULT_PRODUCE_RETRIES },
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 partitioning (kafkajs' rule, without its Long arithmetic): a key lands on the same
      // partition as with any other Kafka client.
      createPartitioner: Murmur2Partitioner,
    });
    producer.on('producer.disconnect', () => {
      if (producer === this.producer) this.connected = false;
    });
    return producer;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Before the first send after a failed one: a new kafkajs producer (new producer id, sequences from 0); the old one
   * disconnects meanwhile. Throws while Kafka is unreachable, and is tried again on the next send.
   */
  private async renewIfNeeded(): Promise<void> {
    if (!this.needsRenewal) return;
    const old = this.producer;
    this.producer = this.createProducer();
    this.retired = Promise.all([this.retired, old.disconnect().catch(() => undefined)]).then(() => undefined);
    this.connected = false;
    await this.producer.connect();
    this.connected = true;
    this.needsRenewal = false;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async disconnect(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    await this.retired;
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
          await this.renewIfNeeded();
          await this.producer.sendBatch({
            topicMessages: [...byTopic.values()],
            acks: -1,
            timeout: this.options.timeoutMs ?? 10_000,
            compression: CompressionTypes.None,
          });
          batch.forEach((p) => p.resolve());
        } catch (err) {
          batch.forEach((p) => p.reject(err));
          this.needsRenewal = true;
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
