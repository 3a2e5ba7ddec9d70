import { ITopicConfig } from 'kafkajs';
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
      await admin.createTopics({ topics: missing, waitForLeaders: true }).catch((err: { type?: string }) => {
        // Another instance may have created them in the meantime.
        if (err.type !== 'TOPIC_ALREADY_EXISTS') throw err;
      });
    }
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
