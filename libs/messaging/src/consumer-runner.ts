import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { messagingMetrics, trackConsumerMetrics, type PartitionPosition } from './messaging-metrics';
import { KafkaConnection } from './kafka-connection';
import { EventProducer } from './event-producer';
import { buildDeadLetter } from './dead-letter';
import { TurnBatcher } from './turn-batcher';

export interface ConsumedMessage<T> {
  /** Base topic name (without prefix). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  timestamp: string;
  value: T;
  /** The original bytes, kept for the DLQ. */
  raw: Buffer | null;
}

/**
 * What to do with a handler error:
 * - `retry`: a problem with this message; retried a bounded number of times with backoff, then dead-lettered;
 * - `dead-letter`: retrying can't help (e.g. a domain rule rejects it): dead-lettered at once;
 * - `infrastructure`: our own dependency (Postgres, Kafka) is down: the partition pauses and the same message is
 *   retried until it goes through or the consumer stops — never dead-lettered, never committed past;
 * - `transient`: an error a sick dependency produces but a healthy one can too (deadlock, read-only, timeout…): the
 *   runner asks `dependencyHealthy()`; while it says no, this is `infrastructure` (pause, never DLQ), otherwise it is
 *   `retry` (bounded, so one message cannot block its partition forever).
 */
export type ErrorDisposition = 'retry' | 'dead-letter' | 'infrastructure' | 'transient';

/** A partition held by an infrastructure outage. */
export interface PausedPartition {
  /** Base topic name. */
  topic: string;
  partition: number;
  /** Epoch ms when it was paused. */
  since: number;
}

/** What readiness needs to know about one consumer. */
export interface ConsumerHealth {
  groupId: string;
  running: boolean;
  paused: Array<PausedPartition & { pausedForMs: number }>;
  /** True when a partition has been paused longer than `stuckAfterMs`. */
  stuck: boolean;
}

export interface ConsumerLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface ConsumerRunnerOptions<T> {
  /** Base group id; the connection prefixes it. */
  groupId: string;
  /** Base topic names. */
  topics: string[];
  /**
   * Turns raw bytes into a value; throwing means the message is invalid and it goes to the DLQ immediately.
   * `topic` is the base topic of the record (one runner may read several).
   */
  decode: (raw: Buffer | null, message: KafkaMessage, topic: string) => T;
  /** Processes one message. */
  handle: (message: ConsumedMessage<T>) => Promise<void>;
  /**
   * Optional all-or-nothing handler for a run of consecutive messages of one partition (e.g. one DB transaction).
   * If it throws, the run is processed again message by message through `handle`, isolating the poison one.
   */
  handleBatch?: (messages: ConsumedMessage<T>[]) => Promise<void>;
  /**
   * handleBatch may get the runs of several partitions of one topic at once: the partitions kafkajs hands over together
   * (one fetch, up to partitionsConsumedConcurrently) are handled in one call — one transaction instead of one per
   * partition — and their offsets committed in one request, each partition only after that call succeeded. When the
   * joint call throws, every run is handled again on its own (then message by message), so a poison message still
   * costs only its own partition. Order within a partition is unchanged; runs of different partitions have none.
   */
  batchAcrossPartitions?: boolean;
  /** Most messages per handleBatch call (one partition's run, or the runs handled together). Default 200. */
  maxBatchSize?: number;
  classifyError?: (err: unknown) => ErrorDisposition;
  /**
   * Asked on a `transient` error: false (or a throw) means the dependency is unhealthy and the message waits with its
   * partition paused. Without it a `transient` error is a `retry`.
   */
  dependencyHealthy?: () => Promise<boolean>;
  /** A partition paused longer than this makes `health().stuck` true (readiness turns red). Default 60 000. */
  stuckAfterMs?: number;
  /** Clock for pause bookkeeping (tests). */
  now?: () => number;
  /** Attempts per message for `retry` errors, the first one included. */
  maxAttempts?: number;
  backoff?: { initialMs: number; maxMs: number };
  partitionsConsumedConcurrently?: number;
  /**
   * Fetch requests wait until this many bytes are there (or fetchMaxWaitMs passed): a busy group then gets fewer,
   * larger batches — fewer transactions and broker round trips — for at most fetchMaxWaitMs more latency. Default 1.
   */
  fetchMinBytes?: number;
  /** Longest a fetch request waits on the broker for fetchMinBytes (or for any record at all). Default 100. */
  fetchMaxWaitMs?: number;
  /** Where a new consumer group starts: earliest (default) or latest. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /**
   * Waits before re-creating a consumer kafkajs gave up on (a crash it does not restart, e.g. "Failed to find group
   * coordinator" while the broker is overloaded): the last one repeats until it is back. Default 1 s, 2 s, 5 s, 10 s, 30 s.
   */
  crashRestartDelaysMs?: readonly number[];
  logger?: ConsumerLogger;
}

class StoppingError extends Error {}

/** Header carrying the id of what caused a message (DESIGN §6); put on the runner's log lines about the message. */
const CORRELATION_HEADER = 'x-correlation-id';

const noopLogger: ConsumerLogger = { warn: () => undefined, error: () => undefined, info: () => undefined };

/**
 * Runs a kafkajs consumer with the delivery rules every service relies on:
 * per-partition order; offsets committed only after the handler (and its DB transaction) succeeded; bounded retry
 * with backoff and then `<topic>.dlq.v1`; invalid JSON/schema straight to the DLQ; infrastructure outages pause the
 * partition instead of skipping; a clean stop that commits what was done and nothing more.
 *
 * kafkajs is used directly rather than through @nestjs/microservices, whose Kafka transport parses JSON leniently,
 * appends "-server" to group ids and retries a throwing handler forever.
 */
export class ConsumerRunner<T> {
  private consumer?: Consumer;
  private readonly dlqProducer: EventProducer;
  /** Keyed by `<full topic>:<partition>`; the owner token lets only the processing that paused a partition resume it. */
  private readonly pausedPartitions = new Map<string, PausedPartition & { owner: symbol }>();
  private running = false;
  private readonly log: ConsumerLogger;
  private readonly metrics = messagingMetrics();
  /** Per `<full topic>:<partition>`: last fetched high watermark and next offset to process (the lag metric). */
  private readonly positions = new Map<string, PartitionPosition>();
  private untrackMetrics?: () => void;
  /** batchAcrossPartitions: runs meeting in one turn of the event loop, per base topic (a topic has one handler). */
  private readonly jointRuns = new Map<string, TurnBatcher<ConsumedMessage<T>[]>>();
  /** Offset commits meeting in one turn of the event loop (one OffsetCommit request); set per consumer. */
  private jointCommits?: TurnBatcher<{ topic: string; partition: number; offset: string }>;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: ConsumerRunnerOptions<T>,
    dlqProducer?: EventProducer,
  ) {
    this.dlqProducer = dlqProducer ?? new EventProducer(connection);
    this.ownsProducer = !dlqProducer;
    this.log = options.logger ?? noopLogger;
  }

  private readonly ownsProducer: boolean;

  /** True while an infrastructure outage holds at least one partition. */
  get paused(): boolean {
    return this.pausedPartitions.size > 0;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Running state and paused partitions, for readiness. */
  health(): ConsumerHealth {
    const now = this.now();
    const limit = this.options.stuckAfterMs ?? 60_000;
    const paused = [...this.pausedPartitions.values()].map(({ topic, partition, since }) => ({ topic, partition, since, pausedForMs: now - since }));
    return { groupId: this.groupId, running: this.running, paused, stuck: paused.some((p) => p.pausedForMs > limit) };
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  get groupId(): string {
    return this.connection.groupId(this.options.groupId);
  }

  async start(): Promise<void> {
    if (this.ownsProducer) await this.dlqProducer.connect();
    this.stopping = false;
    await this.startConsumer();
  }

  private stopping = false;

  private async startConsumer(): Promise<void> {
    const consumer = this.connection.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 100,
      minBytes: this.options.fetchMinBytes ?? 1,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.consumer = consumer;
    this.jointCommits = new TurnBatcher((offsets) => consumer.commitOffsets(offsets));
    this.trackMetrics(consumer);
    consumer.on(consumer.events.CRASH, (event) => {
      this.log.error({ err: describe(event.payload.error), restart: event.payload.restart }, 'consumer crashed');
      if (event.payload.restart) return;
      // kafkajs gave up on this consumer: not running (readiness says so) until a new one has joined the group.
      this.running = false;
      if (!this.stopping && consumer === this.consumer) void this.recover(consumer);
    });
    await consumer.connect();
    for (const topic of this.options.topics) {
      await consumer.subscribe({ topic: this.connection.topic(topic), fromBeginning: this.options.fromBeginning ?? true });
    }
    this.running = true;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /**
   * A consumer kafkajs will not restart: without this the process would live on with a dead consumer, every message
   * waiting on Kafka until someone restarted it. A new consumer joins the group after a delay, until one does; it
   * resumes from the committed offsets (nothing uncommitted was acknowledged).
   */
  private async recover(crashed: Consumer): Promise<void> {
    await crashed.disconnect().catch(() => undefined);
    this.pausedPartitions.clear();
    this.positions.clear();
    const delays = this.options.crashRestartDelaysMs ?? [1_000, 2_000, 5_000, 10_000, 30_000];
    for (let attempt = 1; !this.stopping; attempt++) {
      await new Promise((r) => setTimeout(r, delays[Math.min(attempt, delays.length) - 1]));
      if (this.stopping) return;
      try {
        await this.startConsumer();
        this.log.warn({ attempt }, 'consumer re-created after a crash');
        return;
      } catch (err) {
        this.log.error({ err: describe(err), attempt }, 'consumer could not be re-created; trying again');
        await this.consumer?.disconnect().catch(() => undefined);
      }
    }
  }

  /** Waits for the current message to finish, commits what was processed, leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    await this.consumer?.disconnect();
    this.untrackMetrics?.();
    this.positions.clear();
    if (this.ownsProducer) await this.dlqProducer.disconnect();
  }

  /** Lag and paused partitions on /metrics; partitions revoked by a rebalance stop being reported. */
  private trackMetrics(consumer: Consumer): void {
    this.untrackMetrics?.();
    this.untrackMetrics = trackConsumerMetrics({
      groupId: this.groupId,
      topics: this.options.topics,
      positions: () => [...this.positions.values()],
      pausedTopics: () => [...this.pausedPartitions.values()].map((p) => p.topic),
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const assigned = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`)));
      for (const key of this.positions.keys()) if (!assigned.has(key)) this.positions.delete(key);
    });
  }

  private baseTopic(fullTopic: string): string {
    return this.options.topics.find((t) => this.connection.topic(t) === fullTopic) ?? fullTopic;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, resolveOffset, heartbeat } = payload;
    const topic = this.baseTopic(batch.topic);
    const alive = () => this.running && isRunning() && !isStale();
    const position: PartitionPosition = { topic, partition: batch.partition, highWatermark: Number(batch.highWatermark), next: Number(batch.firstOffset() ?? batch.highWatermark) };
    this.positions.set(`${batch.topic}:${batch.partition}`, position);
    const commit = async (offset: string) => {
      resolveOffset(offset);
      const next = { topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() };
      // Together with the partitions finishing at the same moment; if that request fails, this partition's on its own.
      await this.jointCommits!.submit(next).catch(() => this.consumer!.commitOffsets([next]));
      position.next = Number(offset) + 1;
    };

    let run: ConsumedMessage<T>[] = [];
    const flushRun = async () => {
      if (run.length === 0) return;
      const current = run;
      run = [];
      await this.processRun(current, batch.topic, alive, heartbeat);
      await commit(current[current.length - 1].offset);
    };

    try {
      for (const message of batch.messages) {
        if (!alive()) break;
        let value: T;
        try {
          value = this.options.decode(message.value, message, topic);
        } catch (err) {
          await flushRun();
          await this.deadLetter(batch.topic, batch.partition, message, err, 0, alive, heartbeat);
          await commit(message.offset);
          continue;
        }
        run.push({
          topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          headers: headersOf(message),
          timestamp: message.timestamp,
          value,
          raw: message.value,
        });
        if (run.length >= (this.options.handleBatch ? this.options.maxBatchSize ?? 200 : 1)) await flushRun();
      }
      if (alive()) await flushRun();
    } catch (err) {
      if (!(err instanceof StoppingError)) throw err;
    }
  }

  private async processRun(
    run: ConsumedMessage<T>[],
    fullTopic: string,
    alive: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    if (this.options.handleBatch && this.options.batchAcrossPartitions && (await this.handleJointly(run))) return;
    if (this.options.handleBatch && run.length > 1) {
      try {
        await this.options.handleBatch(run);
        this.metrics.processed.inc({ group: this.groupId, topic: run[0].topic }, run.length);
        return;
      } catch (err) {
        this.log.warn({ err: describe(err), size: run.length }, 'batch handler failed; processing the run message by message');
      }
    }
    for (const message of run) await this.processOne(message, fullTopic, alive, heartbeat);
  }

  /** The run handled together with other partitions' runs of this turn; false when that joint call failed. */
  private async handleJointly(run: ConsumedMessage<T>[]): Promise<boolean> {
    const topic = run[0].topic;
    let joint = this.jointRuns.get(topic);
    if (!joint) {
      joint = new TurnBatcher((runs) => this.options.handleBatch!(runs.flat()), { weigh: (r) => r.length, maxWeight: this.options.maxBatchSize ?? 200 });
      this.jointRuns.set(topic, joint);
    }
    try {
      await joint.submit(run);
      this.metrics.processed.inc({ group: this.groupId, topic }, run.length);
      return true;
    } catch (err) {
      this.log.warn({ err: describe(err), size: run.length, topic, partition: run[0].partition }, 'joint batch failed; handling the partition\'s run on its own');
      return false;
    }
  }

  private async processOne(
    message: ConsumedMessage<T>,
    fullTopic: string,
    alive: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const owner = Symbol(message.offset);
    let attempts = 0;
    let outage = 0;
    try {
      for (;;) {
        if (!alive()) throw new StoppingError();
        try {
          await this.options.handle(message);
          this.metrics.processed.inc({ group: this.groupId, topic: message.topic });
          return;
        } catch (err) {
          const disposition = await this.dispositionOf(err);
          if (disposition === 'infrastructure') {
            this.pausePartition(owner, fullTopic, message, err);
            await this.sleep(this.backoff(++outage), alive, heartbeat);
            continue;
          }
          attempts += 1;
          if (disposition === 'dead-letter' || attempts >= (this.options.maxAttempts ?? 5)) {
            await this.deadLetter(fullTopic, message.partition, rawOf(message), err, attempts, alive, heartbeat);
            this.log.error({ err: describe(err), ...coordinates(message), attempts }, 'message sent to the dead-letter topic');
            return;
          }
          this.metrics.retried.inc({ group: this.groupId, topic: message.topic });
          this.log.warn({ err: describe(err), ...coordinates(message), attempts }, 'handler failed; will retry');
          await this.sleep(this.backoff(attempts), alive, heartbeat);
        }
      }
    } finally {
      // Every way out — handled, dead-lettered, stopping, rebalanced away — resumes what this message paused; kafkajs
      // would otherwise keep the partition paused, even across a rebalance back to this member.
      this.resumePartition(owner, fullTopic, message);
    }
  }

  /** `transient` becomes `infrastructure` while the dependency probe fails, `retry` when it passes. */
  private async dispositionOf(err: unknown): Promise<Exclude<ErrorDisposition, 'transient'>> {
    const disposition = this.options.classifyError?.(err) ?? 'retry';
    if (disposition !== 'transient') return disposition;
    if (!this.options.dependencyHealthy) return 'retry';
    const healthy = await this.options.dependencyHealthy().catch(() => false);
    return healthy ? 'retry' : 'infrastructure';
  }

  private pausePartition(owner: symbol, fullTopic: string, message: ConsumedMessage<T>, err: unknown): void {
    const key = `${fullTopic}:${message.partition}`;
    const current = this.pausedPartitions.get(key);
    if (current) {
      current.owner = owner;
      return;
    }
    this.pausedPartitions.set(key, { topic: message.topic, partition: message.partition, since: this.now(), owner });
    try {
      this.consumer?.pause([{ topic: fullTopic, partitions: [message.partition] }]);
    } catch (pauseErr) {
      this.log.warn({ err: describe(pauseErr) }, 'could not pause the partition');
    }
    this.log.warn({ err: describe(err), ...coordinates(message) }, 'infrastructure unavailable; partition paused');
  }

  private resumePartition(owner: symbol, fullTopic: string, message: ConsumedMessage<T>): void {
    const key = `${fullTopic}:${message.partition}`;
    const current = this.pausedPartitions.get(key);
    if (!current || current.owner !== owner) return;
    this.pausedPartitions.delete(key);
    try {
      this.consumer?.resume([{ topic: fullTopic, partitions: [message.partition] }]);
    } catch (resumeErr) {
      // The consumer is gone (stopped): a new one starts unpaused.
      this.log.warn({ err: describe(resumeErr) }, 'could not resume the partition');
    }
    this.log.info({ topic: message.topic, partition: message.partition, pausedForMs: this.now() - current.since }, 'partition resumed');
  }

  private async deadLetter(
    fullTopic: string,
    partition: number,
    message: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>,
    err: unknown,
    attempts: number,
    alive: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const record = buildDeadLetter({ topic: fullTopic, partition, message, error: err, attempts });
    let tries = 0;
    for (;;) {
      try {
        await this.dlqProducer.sendRaw(`${fullTopic}.dlq.v1`, [record]);
        break;
      } catch (sendErr) {
        // Without the DLQ record the message must not be committed past: keep trying.
        if (!alive()) throw new StoppingError();
        this.log.error({ err: describe(sendErr) }, 'could not write to the DLQ; retrying');
        await this.sleep(this.backoff(++tries), alive, heartbeat);
      }
    }
    this.metrics.deadLettered.inc({ group: this.groupId, topic: this.baseTopic(fullTopic) });
    if (attempts === 0) {
      this.log.error(
        { err: describe(err), topic: this.baseTopic(fullTopic), partition, offset: message.offset, correlationId: headerOf(message, CORRELATION_HEADER), attempts },
        'message sent to the dead-letter topic',
      );
    }
  }

  private backoff(attempt: number): number {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 5000 };
    const exp = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  /** Sleeps in slices, heartbeating so a long backoff doesn't cost the group membership. */
  private async sleep(ms: number, alive: () => boolean, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!alive()) throw new StoppingError();
      await new Promise((r) => setTimeout(r, Math.min(500, until - Date.now())));
      await heartbeat().catch(() => undefined);
    }
  }
}

function headersOf(message: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
  return out;
}

function coordinates<T>(message: ConsumedMessage<T>): Record<string, unknown> {
  const correlationId = message.headers[CORRELATION_HEADER];
  return { topic: message.topic, partition: message.partition, offset: message.offset, ...(correlationId ? { correlationId } : {}) };
}

function headerOf(message: Pick<KafkaMessage, 'headers'>, name: string): string | undefined {
  const v = message.headers?.[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? String(v[0]) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
}

function rawOf<T>(message: ConsumedMessage<T>): Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'> {
  return {
    key: message.key === null ? null : Buffer.from(message.key),
    value: message.raw,
    headers: message.headers,
    offset: message.offset,
  };
}

export function describe(err: unknown): { name: string; message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(code !== undefined ? { code: String(code) } : {}) };
  }
  return { name: 'Error', message: String(err) };
}
