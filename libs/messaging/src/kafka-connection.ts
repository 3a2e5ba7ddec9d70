import { Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  /** KAFKA_TOPIC_PREFIX: prepended to every topic and consumer group so runs and tenants of a cluster never collide. */
  topicPrefix: string;
  /** Receives kafkajs' own log lines (already structured). */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** One kafkajs client per process plus the naming rules (prefix) every producer/consumer/admin uses. */
export class KafkaConnection {
  readonly kafka: Kafka;

  constructor(readonly options: KafkaConnectionOptions) {
    const log = options.log;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
      logLevel: KafkaLogLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        if (!log) return;
        const { message, ...extra } = entry.log;
        const level = entry.level <= KafkaLogLevel.ERROR ? 'error' : entry.level === KafkaLogLevel.WARN ? 'warn' : entry.level === KafkaLogLevel.INFO ? 'info' : 'debug';
        log(level, entry.namespace ? `[kafkajs:${entry.namespace}] ${message}` : `[kafkajs] ${message}`, extra);
      },
    });
  }

  /** Full topic name for a base name from @crm/contracts (e.g. "channels.inbound.v1"). */
  topic(base: string): string {
    return `${this.options.topicPrefix}${base}`;
  }

  /** Full consumer group id: the prefix, then the group's base name — exactly that, no hidden suffixes. */
  groupId(base: string): string {
    return `${this.options.topicPrefix}${base}`;
  }

  /** Dead-letter topic of a base topic: `<prefix><topic>.dlq.v1`. */
  dlqTopic(base: string): string {
    return `${this.topic(base)}.dlq.v1`;
  }
}
