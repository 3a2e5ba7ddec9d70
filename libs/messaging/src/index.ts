export {
  ConsumerRunner,
  describe as describeError,
  type ConsumedMessage,
  type ConsumerHealth,
  type ConsumerLogger,
  type ConsumerRunnerOptions,
  type ErrorDisposition,
  type PausedPartition,
} from './consumer-runner';
export { buildDeadLetter, DLQ_ERROR_HEADER, type DeadLetterRecord } from './dead-letter';
export { EventProducer, type OutgoingMessage } from './event-producer';
export { KafkaConnection, kafkaConnectionFromConfig, type KafkaClientSettings, type KafkaConnectionOptions } from './kafka-connection';
export { describeKafkaSecurity, KafkaSecurityError, kafkaSecurity, type KafkaSaslMechanism, type KafkaSecurity, type KafkaSecuritySettings } from './kafka-security';
export { KafkaHealthProbe } from './kafka-health';
export { messagingMetrics } from './messaging-metrics';
export { ensureTopics, prepareTopics, TopicsNotReadyError, verifyTopics, type TopicSpec } from './topic-admin';
