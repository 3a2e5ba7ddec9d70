import { Admin, ConfigResourceTypes, ITopicConfig } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';

export interface TopicSpec {
  /** Base name (without prefix). */
  name: string;
  partitions: number;
  /** Desired replication factor; capped at the number of brokers in the cluster. */
  replicationFactor?: number;
  compacted?: boolean;
  config?: Record<string, string>;
}

/**
 * Creates missing topics (prefixed) with the configured partitions/replication; existing topics are left alone
 * and get more partitions only when asked for more than they have. Returns the names it created.
 */
export async function ensureTopics(connection: KafkaConnection, specs: TopicSpec[]): Promise<string[]> {
  const admin = connection.kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const existing = new Set(await admin.listTopics());
    const missing: ITopicConfig[] = specs
      .filter((s) => !existing.has(connection.topic(s.name)))
      .map((s) => ({
        topic: connection.topic(s.name),
        numPartitions: s.partitions,
        replicationFactor: Math.min(s.replicationFactor ?? 3, cluster.brokers.length),
        configEntries: Object.entries({
          ...(s.compacted ? { 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.1', 'segment.ms': '3600000' } : {}),
          ...(Math.min(s.replicationFactor ?? 3, cluster.brokers.length) > 1 ? { 'min.insync.replicas': '2' } : {}),
          ...s.config,
        }).map(([name, value]) => ({ name, value })),
      }));
    if (missing.length > 0) {
      // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a busy KRaft broker answers for a
      // moment after creating a topic; wait for the leaders here instead, retrying that answer too.
      await admin.createTopics({ topics: missing, waitForLeaders: false }).catch((err: { type?: string }) => {
        // Another instance may have created them in the meantime.
        if (err.type !== 'TOPIC_ALREADY_EXISTS') throw err;
      });
    }
    // Also for topics another instance has just created: they may not be served by their leader yet.
    await waitForLeaders(admin, specs.map((s) => connection.topic(s.name)));
    const grow = specs.filter((s) => existing.has(connection.topic(s.name)));
    if (grow.length > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: grow.map((s) => connection.topic(s.name)) });
      const increase = meta.topics
        .map((t) => ({ topic: t.name, have: t.partitions.length, want: grow.find((s) => connection.topic(s.name) === t.name)!.partitions }))
        .filter((t) => t.want > t.have)
        .map((t) => ({ topic: t.topic, count: t.want }));
      if (increase.length > 0) await admin.createPartitions({ topicPartitions: increase });
    }
    return missing.map((m) => m.topic);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until every partition of `topics` has a leader (new topics are briefly unknown to the broker's metadata). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.length === topics.length && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) {
        // Metadata can name a leader a moment before that broker serves the partition: ask it (ListOffsets).
        for (const topic of topics) await admin.fetchTopicOffsets(topic);
        return;
      }
    } catch (err) {
      const type = (err as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE' && type !== 'NOT_LEADER_FOR_PARTITION') throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Thrown when KAFKA_CREATE_TOPICS=false and the cluster lacks topics (or has them with the wrong shape). */
export class TopicsNotReadyError extends Error {
  constructor(readonly problems: string[]) {
    super(`Kafka topics are not ready (KAFKA_CREATE_TOPICS=false, so they are not created): ${problems.join('; ')}`);
    this.name = 'TopicsNotReadyError';
  }
}

/**
 * For clusters where the apps may not create topics: every problem of the existing topics against the specs — missing
 * (named), fewer partitions than specified, or another cleanup policy (compact vs delete). [] when they are ready.
 * Needs Describe and DescribeConfigs on the topics, nothing else.
 */
export async function verifyTopics(connection: KafkaConnection, specs: TopicSpec[]): Promise<string[]> {
  const admin = connection.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(connection.topic(s.name))).map((s) => connection.topic(s.name));
    const present = specs.filter((s) => existing.has(connection.topic(s.name)));
    const problems = missing.length > 0 ? [`missing topics: ${missing.join(', ')}`] : [];
    if (present.length === 0) return problems;
    const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => connection.topic(s.name)) });
    const partitions = new Map(meta.topics.map((t) => [t.name, t.partitions.length]));
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: connection.topic(s.name), configNames: ['cleanup.policy'] })),
    });
    const policies = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? 'delete']));
    for (const spec of present) {
      const name = connection.topic(spec.name);
      const have = partitions.get(name) ?? 0;
      if (have < spec.partitions) problems.push(`${name} has ${have} partition(s), needs at least ${spec.partitions}`);
      const compacted = (policies.get(name) ?? 'delete').split(',').map((p) => p.trim()).includes('compact');
      if (compacted !== Boolean(spec.compacted)) {
        problems.push(`${name} has cleanup.policy=${policies.get(name)}, needs ${spec.compacted ? 'compact' : 'delete'}`);
      }
    }
    return problems;
  } finally {
    await admin.disconnect();
  }
}

/**
 * At boot: `create` → ensureTopics (returns the topics created); otherwise verifyTopics and a TopicsNotReadyError
 * naming every problem, so the process stops before it consumes or produces anything.
 */
export async function prepareTopics(connection: KafkaConnection, specs: TopicSpec[], options: { create: boolean }): Promise<string[]> {
  if (options.create) return ensureTopics(connection, specs);
  const problems = await verifyTopics(connection, specs);
  if (problems.length > 0) throw new TopicsNotReadyError(problems);
  return [];
}
