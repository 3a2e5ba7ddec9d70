export { runService, startService, type RunningService, type ServiceDefinition } from './bootstrap';
export { applyServiceV8Flags, SERVICE_V8_FLAGS } from './v8-flags';
export { HealthController, type DependencyCheck } from './health.controller';
export { httpMetricsMiddleware } from './http-metrics.middleware';
export { createLogger, PinoNestLogger, REDACTED_KEYS, scrubSecrets, type LoggerOptions } from './logger';
export { MetricsController } from './metrics.controller';
export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
export { HEALTH_CHECKS, LOGGER, SERVICE_CONFIG, SERVICE_NAME } from './tokens';
export { bodyErrorMiddleware } from './body-error.middleware';
export { classifyConsumerError, isDependencyUnavailable, isInfrastructureError } from './error-disposition';
export { withServiceDefaults } from './consumer-wiring';
export { DatabaseHealthProbe, type DatabaseHealthProbeOptions } from './database-health.probe';
export { ServiceReadiness, type ConsumerHealthSource, type ConsumerReadiness } from './readiness';
export {
  currentLogContext,
  currentRequestId,
  REQUEST_ID_HEADER,
  requestIdOf,
  runWithLogContext,
  type LogContext,
} from './request-context';
// Consumers as @EventPattern handlers: startService connects the transport; handlers use consumerPattern and the context.
export { consumerPattern, type ConsumerPatternOptions, type ConsumerTuning } from './transport/consumer-pattern';
export { KafkaConsumerTransport, type KafkaConsumerTransportOptions } from './transport/kafka-consumer.transport';
export { KafkaRecordContext } from './transport/kafka-record.context';
export { PassThroughRpcFilter } from './transport/pass-through-rpc.filter';
export { PerInstanceGroups } from './transport/per-instance-groups';
export { IS_PUBLIC, Public } from './public.decorator';
export { CODE_OF_HTTP_STATUS, edgeFailureOf, type EdgeFailure } from './http-edge/failure-code';
export { flattenValidationErrors, whitelistValidationPipe, type FieldProblem } from './http-edge/validation.pipe';
