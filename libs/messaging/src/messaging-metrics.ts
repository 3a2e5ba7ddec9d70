import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string): Counter<'group' | 'topic'> {
  return (register.getSingleMetric(name) as Counter<'group' | 'topic'>) ?? new Counter({ name, help, labelNames: ['group', 'topic'] });
}

/** Process-wide consumer metrics on the default Prometheus registry (served by each app's /metrics). */
export function messagingMetrics() {
  return {
    processed: counter('crm_kafka_messages_processed_total', 'Messages handled successfully'),
    retried: counter('crm_kafka_messages_retried_total', 'Handler failures that were retried'),
    deadLettered: counter('crm_kafka_messages_dead_lettered_total', 'Messages sent to a dead-letter topic'),
    paused:
      (register.getSingleMetric('crm_kafka_partitions_paused') as Gauge<'group'>) ??
      new Gauge({ name: 'crm_kafka_partitions_paused', help: 'Partitions paused by an infrastructure outage', labelNames: ['group'] }),
  };
}
