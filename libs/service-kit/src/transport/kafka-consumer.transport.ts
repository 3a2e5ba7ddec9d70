import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import type { KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { isObservable, lastValueFrom } from 'rxjs';
import { decodeEnvelope } from '@crm/contracts';
import { ConsumedMessage, ConsumerHealth, ConsumerRunner, ConsumerRunnerOptions, EventProducer, KafkaConnection } from '@crm/messaging';
import { withServiceDefaults } from '../consumer-wiring';
import type { DatabaseHealthProbe } from '../database-health.probe';
import type { ServiceReadiness } from '../readiness';
import { CONSUMER_TUNING_KEYS, ConsumerPatternOptions, ConsumerTuning } from './consumer-pattern';
import { KafkaRecordContext } from './kafka-record.context';
import { PerInstanceGroups } from './per-instance-groups';

export interface KafkaConsumerTransportOptions {
  connection: KafkaConnection;
  /** Writes the DLQ records (the app's shared producer). */
  producer: EventProducer;
  logger: Logger;
  database?: DatabaseHealthProbe;
  readiness?: ServiceReadiness;
  /** Per base group id: runner settings from the app's config (batch size, concurrency, session timeout…). */
  tuning?: Record<string, ConsumerTuning>;
}

interface Registration {
  topic: string;
  handler: MessageHandler;
  options: ConsumerPatternOptions;
}

/** Group-level settings every handler of one group must agree on. */
const GROUP_SETTINGS = ['batch', 'batchAcrossPartitions', 'fromBeginning', 'perInstance'] as const;

/**
 * A Nest microservice transport (`app.connectMicroservice({ strategy })`) over our ConsumerRunner, so a consumer is
 * an `@EventPattern(baseTopic, { groupId, ... })` handler of a controller while keeping our delivery semantics:
 * per-partition order, offsets committed after the handler (its transaction) returned, batch handlers for runs of a
 * partition, bounded retry then DLQ, decode errors to the DLQ at once, pause on an outage (never DLQ).
 *
 * One runner per consumer group (handlers of one group share it, dispatched by topic). Handlers are not chained as
 * Nest does for equal patterns: the same topic in two groups is two independent consumers.
 * Handler errors reach the runner unchanged through PassThroughRpcFilter (the app installs it, see bootstrap).
 */
export class KafkaConsumerTransport extends Server implements CustomTransportStrategy {
  private readonly registrations = new Map<string, Map<string, Registration>>();
  private readonly runners: ConsumerRunner<unknown>[] = [];
  private readonly instanceSuffix = `${hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private unregister?: () => void;
  private readonly perInstanceGroups: PerInstanceGroups;

  constructor(private readonly options: KafkaConsumerTransportOptions) {
    super();
    this.perInstanceGroups = new PerInstanceGroups(options.connection, options.logger);
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const topic = typeof pattern === 'string' ? pattern : undefined;
    const options = extras as Partial<ConsumerPatternOptions>;
    if (!isEventHandler || !topic || typeof options.groupId !== 'string' || !options.groupId) {
      throw new Error(`Kafka consumers are @EventPattern(baseTopic, { groupId, ... }) handlers; got ${JSON.stringify(pattern)} with ${JSON.stringify(extras)}`);
    }
    const group = this.registrations.get(options.groupId) ?? new Map<string, Registration>();
    if (group.has(topic)) throw new Error(`two handlers for topic ${topic} in consumer group ${options.groupId}`);
    const first = group.values().next().value as Registration | undefined;
    for (const setting of GROUP_SETTINGS) {
      if (first && Boolean(first.options[setting]) !== Boolean(options[setting])) {
        throw new Error(`consumer group ${options.groupId}: every handler must agree on "${setting}"`);
      }
    }
    group.set(topic, { topic, handler: callback, options: options as ConsumerPatternOptions });
    this.registrations.set(options.groupId, group);
  }

  /** Consumer groups and their topics, as registered by the handlers. */
  groups(): Record<string, string[]> {
    return Object.fromEntries([...this.registrations].map(([group, topics]) => [group, [...topics.keys()]]));
  }

  consumerHealth(): ConsumerHealth[] {
    return this.runners.map((r) => r.health());
  }

  async listen(callback: (err?: unknown, ...rest: unknown[]) => void): Promise<void> {
    try {
      for (const [groupId, topics] of this.registrations) this.runners.push(this.createRunner(groupId, [...topics.values()]));
      // Groups of crashed processes (their sessions expired) are deleted before ours join: none pile up on the broker.
      for (const base of this.perInstanceBases()) await this.perInstanceGroups.sweep(base, this.options.connection.groupId(this.perInstanceId(base)));
      this.unregister = this.options.readiness?.registerConsumers(this);
      await Promise.all(this.runners.map((r) => r.start()));
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Drains every runner: the current messages finish, their offsets are committed, the groups are left. */
  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    this.unregister?.();
    // A per-process group is never joined again: delete it rather than leave it on the broker.
    await this.perInstanceGroups.deleteOwn(this.perInstanceBases().map((base) => this.options.connection.groupId(this.perInstanceId(base))));
  }

  /** Base ids of the `perInstance` groups. */
  private perInstanceBases(): string[] {
    return [...this.registrations].filter(([, topics]) => topics.values().next().value?.options.perInstance).map(([groupId]) => groupId);
  }

  /** `<base>.<host>-<pid>-<random>`: unique per process, even for two processes of one host (development, tests). */
  private perInstanceId(base: string): string {
    return `${base}.${this.instanceSuffix}`;
  }

  on(): never {
    throw new Error('KafkaConsumerTransport emits no events');
  }

  unwrap<T>(): T {
    return this.runners as T;
  }

  private createRunner(groupId: string, registrations: Registration[]): ConsumerRunner<unknown> {
    const byTopic = new Map(registrations.map((r) => [r.topic, r]));
    const of = (topic: string) => byTopic.get(topic)!;
    const first = registrations[0].options;
    const runnerOptions: ConsumerRunnerOptions<unknown> = {
      ...pickTuning(first),
      ...this.options.tuning?.[groupId],
      groupId: first.perInstance ? this.perInstanceId(groupId) : groupId,
      topics: registrations.map((r) => r.topic),
      fromBeginning: first.fromBeginning ?? true,
      decode: (raw, message, topic) => decodeFor(of(topic).options, raw, message),
      handle: (message) => this.invoke(of(message.topic), [message]),
      ...(first.batch ? { handleBatch: (messages: ConsumedMessage<unknown>[]) => this.invoke(of(messages[0].topic), messages), batchAcrossPartitions: first.batchAcrossPartitions ?? false } : {}),
    };
    return new ConsumerRunner(this.options.connection, withServiceDefaults(runnerOptions, this.options), this.options.producer);
  }

  /** Calls the Nest handler (pipes, interceptors, filters around it) and waits for its result or its error. */
  private async invoke(registration: Registration, messages: ConsumedMessage<unknown>[]): Promise<void> {
    const data = registration.options.batch ? messages : messages[0].value;
    const result: unknown = await registration.handler(data, new KafkaRecordContext(messages));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }
}

function decodeFor(options: ConsumerPatternOptions, raw: Buffer | null, message: KafkaMessage): unknown {
  if (options.decode) return options.decode(raw, message);
  if (options.dataClass) return decodeEnvelope(raw, options.dataClass, { unknownFields: 'strip' });
  return raw;
}

function pickTuning(options: ConsumerPatternOptions): ConsumerTuning {
  return Object.fromEntries(CONSUMER_TUNING_KEYS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}
