// Kafka topic names (DESIGN §6). Base names are fixed; every actual topic is `KAFKA_TOPIC_PREFIX + base`.

export const Topics = {
  /** Channel state for connectors; compacted, key = channelId, tombstone (null value) on delete. */
  ChannelsConfig: 'channels.config.v1',
  /** Normalized inbound messages, edits and deletes; key = `channelId:externalChatId`. */
  ChannelsInbound: 'channels.inbound.v1',
  /** Send commands for agent replies; key = `channelId:externalChatId`. */
  ChannelsOutbound: 'channels.outbound.v1',
  /** Delivery status of outbound messages and channel health; key = `channelId:externalChatId` (health: channelId). */
  ChannelsStatus: 'channels.status.v1',
  /** CRM events (client/lead/dialog/message); key = dialogId. */
  CrmEvents: 'crm.events.v1',
} as const;
export type BaseTopic = (typeof Topics)[keyof typeof Topics];

/** Every base topic, in a stable order. */
export const BASE_TOPICS: readonly BaseTopic[] = Object.freeze(Object.values(Topics));

/** Suffix of dead-letter topics: `<topic>.dlq.v1`. */
export const DLQ_SUFFIX = '.dlq.v1';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;

function assertLegalTopic(name: string): string {
  if (!LEGAL_TOPIC.test(name) || name.length > MAX_TOPIC_LENGTH || name === '.' || name === '..') {
    throw new Error(`Illegal Kafka topic name "${name}" (allowed: [a-zA-Z0-9._-], at most ${MAX_TOPIC_LENGTH} chars)`);
  }
  return name;
}

/** The dead-letter topic of `topic` (base or prefixed): `<topic>.dlq.v1`. A DLQ has no DLQ of its own. */
export function dlqTopicOf(topic: string): string {
  if (!topic) throw new Error('dlqTopicOf: topic is empty');
  if (isDlqTopic(topic)) throw new Error(`dlqTopicOf: "${topic}" is already a dead-letter topic`);
  return assertLegalTopic(`${topic}${DLQ_SUFFIX}`);
}

/** True for `<topic>.dlq.v1` names. */
export function isDlqTopic(topic: string): boolean {
  return topic.endsWith(DLQ_SUFFIX);
}

/** `prefix + base` — prefix is KAFKA_TOPIC_PREFIX, prepended as is (may be empty). Throws on characters Kafka forbids. */
export function prefixedTopic(prefix: string | undefined | null, base: string): string {
  if (!base) throw new Error('prefixedTopic: base topic is empty');
  return assertLegalTopic(`${prefix ?? ''}${base}`);
}

/** Creation settings of one topic. */
export interface TopicSpec {
  /** Base (unprefixed) topic name. */
  readonly name: string;
  readonly partitions: number;
  /** `cleanup.policy=compact` when true, `delete` otherwise. */
  readonly compacted: boolean;
  /** Dead-letter topic of another topic. */
  readonly dlq: boolean;
  /** Topic-level configs to pass to the admin client (`configEntries` in kafkajs terms). */
  readonly configEntries: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/** Default partition counts (DESIGN/brief): data topics 6, config 3, every DLQ 1. */
export const DEFAULT_PARTITIONS: Readonly<Record<BaseTopic, number>> & { readonly dlq: number } = Object.freeze({
  [Topics.ChannelsConfig]: 3,
  [Topics.ChannelsInbound]: 6,
  [Topics.ChannelsOutbound]: 6,
  [Topics.ChannelsStatus]: 6,
  [Topics.CrmEvents]: 6,
  dlq: 1,
});

const COMPACTED: ReadonlySet<string> = new Set<string>([Topics.ChannelsConfig]);

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How long a record stays on a topic (`retention.ms`, docs/data-protection.md). The data topics carry personal data
 * (names, phones, message texts) and are consumed within seconds, so a week covers any outage; a DLQ keeps its records
 * for two weeks, time to look at and replay them. The compacted channels.config.v1 keeps each channel's latest state
 * (no personal data) with no time limit.
 */
export const TOPIC_RETENTION_MS = Object.freeze({ data: 7 * DAY_MS, dlq: 14 * DAY_MS });

function spec(name: string, partitions: number, compacted: boolean, dlq: boolean): TopicSpec {
  const retention = compacted ? [] : [Object.freeze({ name: 'retention.ms', value: String(dlq ? TOPIC_RETENTION_MS.dlq : TOPIC_RETENTION_MS.data) })];
  return Object.freeze({
    name,
    partitions,
    compacted,
    dlq,
    configEntries: Object.freeze([Object.freeze({ name: 'cleanup.policy', value: compacted ? 'compact' : 'delete' }), ...retention]),
  });
}

/** Every topic the system uses (base names): the five data topics followed by their five DLQs. */
export const TOPIC_SPECS: readonly TopicSpec[] = Object.freeze([
  ...BASE_TOPICS.map((t) => spec(t, DEFAULT_PARTITIONS[t], COMPACTED.has(t), false)),
  ...BASE_TOPICS.map((t) => spec(dlqTopicOf(t), DEFAULT_PARTITIONS.dlq, false, true)),
]);

/** TOPIC_SPECS with every name prefixed (what an admin client should create for a given KAFKA_TOPIC_PREFIX). */
export function prefixedTopicSpecs(prefix: string | undefined | null): TopicSpec[] {
  return TOPIC_SPECS.map((s) => ({ ...s, name: prefixedTopic(prefix, s.name) }));
}
