import { connect as tlsConnect, ConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';
import { Kafka, logLevel as KafkaLogLevel, LogEntry } from 'kafkajs';
import { KafkaSecurity, KafkaSecurityError, KafkaSecuritySettings, kafkaSecurity } from './kafka-security';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  /** KAFKA_TOPIC_PREFIX: prepended to every topic and consumer group so runs and tenants of a cluster never collide. */
  topicPrefix: string;
  /** Receives kafkajs' own log lines (already structured). */
  log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** TLS and SASL (see `kafkaSecurity()`); plaintext without authentication when omitted. */
  security?: KafkaSecurity;
}

/** The Kafka part of a process's validated config (KafkaClientConfig of @crm/config has exactly these). */
export interface KafkaClientSettings extends KafkaSecuritySettings {
  readonly kafkaBrokers: string[];
  KAFKA_TOPIC_PREFIX: string;
}

/** ApiVersions v0 (key 18), correlation id 1, null client id: the first request of every Kafka client. */
const API_VERSIONS_REQUEST = Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);

/** Socket errors that say "not reachable (yet)", which kafkajs retries; any other TLS failure is a configuration error. */
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * kafkajs lines that say nothing an operator can act on. The idempotent producer's bounded retries are deliberate:
 * EventProducer starts a new producer id after a failed send, which is what keeps exactly-once order safe.
 */
const KNOWN_NOISE = [/^Limiting retries for the idempotent producer may invalidate EoS guarantees/];

/** One kafkajs client per process plus the naming rules (prefix) every producer/consumer/admin uses. */
export class KafkaConnection {
  readonly kafka: Kafka;
  /** The options without `security` (credentials stay out of anything that might print this object). */
  readonly options: Omit<KafkaConnectionOptions, 'security'>;
  private readonly tls?: ConnectionOptions;

  constructor(options: KafkaConnectionOptions) {
    const { security, ...rest } = options;
    this.options = rest;
    this.tls = security?.ssl;
    const log = options.log;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...(security?.ssl ? { ssl: security.ssl } : {}),
      ...(security?.sasl ? { sasl: security.sasl } : {}),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
      logLevel: KafkaLogLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        if (!log) return;
        const { message, ...extra } = entry.log;
        if (KNOWN_NOISE.some((noise) => noise.test(message))) return;
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

  /**
   * With TLS: one handshake (and an ApiVersions round trip) with the first reachable seed broker, so an untrusted
   * broker certificate (wrong KAFKA_SSL_CA_FILE), a name mismatch or a client certificate the broker refuses fails
   * at once with a KafkaSecurityError instead of after kafkajs' connection retries. Unreachable brokers (and resets)
   * are left to kafkajs. No-op without TLS.
   */
  async verifyTls(timeoutMs = 10_000): Promise<void> {
    if (!this.tls) return;
    for (const broker of this.options.brokers) {
      const failure = await tlsHandshake(broker, this.tls, timeoutMs);
      if (failure === null) return;
      if (!NETWORK_ERRORS.has(failure.code ?? '')) {
        throw new KafkaSecurityError(
          `Kafka TLS handshake with ${broker} failed: ${failure.message}${failure.code ? ` (${failure.code})` : ''}; check KAFKA_SSL_CA_FILE, KAFKA_SSL_SERVERNAME and the client certificate`,
        );
      }
    }
  }
}

/** Builds the process's connection from its validated config: brokers, prefix, TLS and SASL (files read here). */
export function kafkaConnectionFromConfig(
  config: KafkaClientSettings,
  options: Pick<KafkaConnectionOptions, 'clientId' | 'log' | 'connectionTimeoutMs' | 'requestTimeoutMs'>,
): KafkaConnection {
  return new KafkaConnection({ ...options, brokers: config.kafkaBrokers, topicPrefix: config.KAFKA_TOPIC_PREFIX, security: kafkaSecurity(config) });
}

function tlsHandshake(broker: string, tls: ConnectionOptions, timeoutMs: number): Promise<NodeJS.ErrnoException | null> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(broker.slice(at + 1));
  return new Promise((resolve) => {
    // The same options kafkajs' socket factory uses: SNI = the host name unless it is an IP or set explicitly.
    const socket = tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...tls }, () => {
      // With TLS 1.3 the broker checks a client certificate after the client considers the handshake done: one
      // ApiVersions round trip (allowed before SASL) makes its verdict arrive here.
      socket.write(API_VERSIONS_REQUEST);
    });
    socket.once('data', () => {
      socket.end();
      resolve(null);
    });
    socket.once('end', () => resolve(Object.assign(new Error('the broker closed the connection'), { code: 'ECONNRESET' })));
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(err);
    });
  });
}
