import type { KafkaMessage } from 'kafkajs';
import type { DataClass } from '@crm/contracts';
import type { ConsumerRunnerOptions } from '@crm/messaging';

/** Runner settings a deployment tunes from its config (per consumer group, see ServiceDefinition.consumerTuning). */
export const CONSUMER_TUNING_KEYS = [
  'maxBatchSize',
  'maxAttempts',
  'backoff',
  'partitionsConsumedConcurrently',
  'sessionTimeoutMs',
  'stuckAfterMs',
  'fetchMinBytes',
  'fetchMaxWaitMs',
] as const satisfies ReadonlyArray<keyof ConsumerRunnerOptions<unknown>>;
export type ConsumerTuning = Partial<Pick<ConsumerRunnerOptions<unknown>, (typeof CONSUMER_TUNING_KEYS)[number]>>;

/**
 * The extras of `@EventPattern(baseTopic, { groupId, ... })` read by KafkaConsumerTransport. Handlers of the same
 * groupId share one consumer (one runner over all their topics); the same topic in two groups is two consumers.
 */
export interface ConsumerPatternOptions<T = unknown> extends ConsumerTuning {
  /** Base consumer group (the connection prefixes it). */
  groupId: string;
  /** Envelope data class: values are decoded with decodeEnvelope, tolerantly (unknown fields stripped, DESIGN §6). */
  dataClass?: DataClass;
  /**
   * Or a decoder of one's own (it should decode tolerantly too); throwing sends the record to the DLQ at once.
   * Without dataClass and decode the handler gets the raw value (Buffer | null).
   */
  decode?: (raw: Buffer | null, message: KafkaMessage) => T;
  /**
   * Batch form: the handler gets `ConsumedMessage<T>[]`, a run of one partition's consecutive messages, to handle
   * all-or-nothing (one DB transaction); when it throws the run is replayed one message at a time (a one-element
   * array), so only the poison message reaches the DLQ. Otherwise the handler gets one decoded value.
   */
  batch?: boolean;
  /**
   * With `batch`: the handler may get the runs of several partitions at once (those kafkajs hands over together), so
   * one call — one transaction — covers a whole fetch; order holds within each partition, none across them. See
   * ConsumerRunnerOptions.batchAcrossPartitions.
   */
  batchAcrossPartitions?: boolean;
  /** Where a new group starts: earliest (default) or latest. */
  fromBeginning?: boolean;
  /**
   * A group of its own per process (a suffix is appended to groupId): every instance reads every record
   * (broadcast, e.g. live fan-out). Usually with `fromBeginning: false`. Never left behind on the broker: deleted on a
   * clean shutdown, and a crashed process's group is deleted by the next start (PerInstanceGroups).
   */
  perInstance?: boolean;
}

/** The extras object, type-checked: `@EventPattern(Topics.X, consumerPattern({ groupId: ..., dataClass: ... }))`. */
export function consumerPattern<T = unknown>(options: ConsumerPatternOptions<T>): ConsumerPatternOptions<T> & Record<string, unknown> {
  return options as ConsumerPatternOptions<T> & Record<string, unknown>;
}
