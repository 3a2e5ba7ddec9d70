import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { ChannelConfigData, decodeEnvelope, isTombstone, Topics } from '@crm/contracts';
import { KafkaConnection } from '@crm/messaging';
import { LOGGER, PerInstanceGroups, SERVICE_CONFIG } from '@crm/service-kit';
import { recordChannelType } from '../../core/registry/record-channel-type';
import type { ResolvedKitOptions } from '../connector-kit.options';
import { KIT_OPTIONS } from '../tokens';
import { ChannelRegistry } from './channel-registry.service';

/** After joining, a replay that sees no record for this long counts as caught up (a compacted tail can have gaps). */
const IDLE_CATCH_UP_MS = 2000;

/**
 * Reads the compacted channels.config.v1 from the beginning on every start — a plain topic reader: a consumer group
 * of its own per process (random suffix), never committing, so every instance sees every channel — and feeds the
 * registry (its group is deleted on shutdown, and groups of crashed processes by the next start: none pile up on
 * the broker). Bootstrap waits until the replay reached the end offsets taken at start, so the webhook endpoint never
 * answers "unknown channel" for a channel that exists. Only records of the connector's type are decoded: the type is
 * read from the `x-channel-type` header (records older than the header: a peek at `data.type`); tombstones always
 * apply (the registry ignores ids it does not know).
 */
@Injectable()
export class ChannelConfigReader implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer?: Consumer;
  private progress?: ReplayProgress;
  private groupId?: string;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly registry: ChannelRegistry,
    @Inject(KIT_OPTIONS) private readonly options: ResolvedKitOptions,
    @Inject(SERVICE_CONFIG) private readonly config: { SERVICE_INSTANCE_ID?: string },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const topic = this.connection.topic(Topics.ChannelsConfig);
    const progress = (this.progress = new ReplayProgress(await this.endOffsets(topic)));
    const base = `connector-${this.options.channelType}.registry`;
    const groupId = (this.groupId = this.connection.groupId(`${base}.${this.config.SERVICE_INSTANCE_ID ?? 'i'}.${randomBytes(6).toString('hex')}`));
    await this.groups().sweep(base, groupId);
    const consumer = this.connection.kafka.consumer({
      groupId,
      // Short: a crashed process's group is abandoned (and deleted by the next start) soon after it died.
      sessionTimeout: 10_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => progress.joined());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.eachBatch(payload) });
    const incomplete = await progress.done;
    if (incomplete.length > 0) this.logger.warn({ partitions: incomplete }, 'channel config replay idle before the end offsets; treating it as complete');
    this.registry.markLoaded();
  }

  async onModuleDestroy(): Promise<void> {
    this.progress?.stop();
    await this.consumer?.disconnect();
    if (this.consumer && this.groupId) await this.groups().deleteOwn([this.groupId]);
  }

  private groups(): PerInstanceGroups {
    return new PerInstanceGroups(this.connection, this.logger);
  }

  /** High watermark of every non-empty partition at start: what the replay must reach. */
  private async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const admin = this.connection.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    } finally {
      await admin.disconnect();
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const channelId = message.key?.toString('utf8');
      if (channelId) this.applyRecord(channelId, message.value, message.headers);
      resolveOffset(message.offset);
    }
    if (batch.messages.length > 0) this.progress?.reached(batch.partition, BigInt(batch.lastOffset()));
    await heartbeat();
  }

  private applyRecord(channelId: string, value: Buffer | null, headers: KafkaMessage['headers']): void {
    if (isTombstone(value)) return this.registry.apply(channelId, null);
    if (recordChannelType(headers, value) !== this.options.channelType) return;
    try {
      this.registry.apply(channelId, decodeEnvelope(value, ChannelConfigData).data);
    } catch (err) {
      this.logger.error({ channelId, err: { name: (err as Error).name, message: (err as Error).message } }, 'invalid channel config record skipped');
    }
  }
}

/**
 * Tracks the replay against the end offsets taken at start. `done` resolves once every partition reached its end —
 * or, after the group was joined, once nothing arrived for IDLE_CATCH_UP_MS (with the partitions still short of it).
 */
class ReplayProgress {
  readonly done: Promise<number[]>;
  private finish!: (incomplete: number[]) => void;
  private lastActivity = Date.now();
  private hasJoined = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly ends: Map<number, bigint>) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.timer = setInterval(() => {
      if (this.hasJoined && Date.now() - this.lastActivity > IDLE_CATCH_UP_MS) this.complete([...this.ends.keys()]);
    }, 250);
    this.timer.unref();
  }

  joined(): void {
    this.hasJoined = true;
    this.lastActivity = Date.now();
    if (this.ends.size === 0) this.complete([]);
  }

  reached(partition: number, lastOffset: bigint): void {
    this.lastActivity = Date.now();
    const end = this.ends.get(partition);
    if (end !== undefined && lastOffset + 1n >= end) this.ends.delete(partition);
    if (this.ends.size === 0 && this.hasJoined) this.complete([]);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private complete(incomplete: number[]): void {
    this.stop();
    this.finish(incomplete);
  }
}
