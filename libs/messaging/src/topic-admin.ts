import { Admin, ITopicConfig } from 'kafkajs';
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
