import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string): Counter<'group' | 'topic'> {
  return (register.getSingleMetric(name) as Counter<'group' | 'topic'>) ?? new Counter({ name, help, labelNames: ['group', 'topic'] });
}

/** One partition a consumer has fetched from: the broker's high watermark of the last fetch and the next offset to process. */
export interface PartitionPosition {
  /** Base topic name. */
  topic: string;
  partition: number;
  /** High watermark reported with the consumer's last fetch of this partition (no extra broker round trip). */
  highWatermark: number;
  /** Offset of the next message to process (last committed + 1). */
  next: number;
}

/** What a running consumer tells the metrics at scrape time. */
export interface ConsumerMetricsSource {
  /** Full group id. */
  readonly groupId: string;
  /** Base topics it reads (a paused-partitions series of 0 for each, so dashboards see the group before an outage). */
  readonly topics: readonly string[];
  positions(): PartitionPosition[];
  /** Base topic of every partition paused by an infrastructure outage (one entry per partition). */
  pausedTopics(): string[];
}

/** Live consumers of this process; kept on globalThis so every copy of this module feeds the one registry's gauges. */
const SOURCES_KEY = Symbol.for('crm.messaging.consumer-metrics-sources');
function sources(): Set<ConsumerMetricsSource> {
  const holder = globalThis as { [SOURCES_KEY]?: Set<ConsumerMetricsSource> };
  return (holder[SOURCES_KEY] ??= new Set());
}

/** Lag and paused partitions are computed when Prometheus scrapes, from what the consumers already know (cheap). */
function consumerGauges(): { lag: Gauge<'group' | 'topic' | 'partition'>; paused: Gauge<'group' | 'topic'> } {
  const lag =
    (register.getSingleMetric('crm_kafka_consumer_lag') as Gauge<'group' | 'topic' | 'partition'>) ??
    new Gauge({
      name: 'crm_kafka_consumer_lag',
      help: 'Messages behind: high watermark of the last fetch minus the next offset to process, per partition',
      labelNames: ['group', 'topic', 'partition'],
      collect() {
        this.reset();
        for (const source of sources()) {
          for (const p of source.positions()) {
            this.set({ group: source.groupId, topic: p.topic, partition: String(p.partition) }, Math.max(0, p.highWatermark - p.next));
          }
        }
      },
    });
  const paused =
    (register.getSingleMetric('crm_kafka_partitions_paused') as Gauge<'group' | 'topic'>) ??
    new Gauge({
      name: 'crm_kafka_partitions_paused',
      help: 'Partitions paused by an infrastructure outage, per consumer group and topic',
      labelNames: ['group', 'topic'],
      collect() {
        this.reset();
        for (const source of sources()) {
          const counts = new Map<string, number>(source.topics.map((t) => [t, 0]));
          for (const topic of source.pausedTopics()) counts.set(topic, (counts.get(topic) ?? 0) + 1);
          for (const [topic, n] of counts) this.set({ group: source.groupId, topic }, n);
        }
      },
    });
  return { lag, paused };
}

/** Reports a consumer's lag and paused partitions on /metrics until the returned function is called. */
export function trackConsumerMetrics(source: ConsumerMetricsSource): () => void {
  consumerGauges();
  sources().add(source);
  return () => {
    sources().delete(source);
  };
}

/** Process-wide consumer metrics on the default Prometheus registry (served by each app's /metrics). */
export function messagingMetrics() {
  consumerGauges();
  return {
    processed: counter('crm_kafka_messages_processed_total', 'Messages handled successfully'),
    retried: counter('crm_kafka_messages_retried_total', 'Handler failures that were retried'),
    deadLettered: counter('crm_kafka_messages_dead_lettered_total', 'Messages sent to a dead-letter topic'),
  };
}
