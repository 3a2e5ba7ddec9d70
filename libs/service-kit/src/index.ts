export { runService, startService, type RunningService, type ServiceDefinition } from './bootstrap';
export { HealthController } from './health.controller';
export { httpMetricsMiddleware } from './http-metrics.middleware';
export { createLogger, PinoNestLogger, REDACTED_KEYS, scrubSecrets, type LoggerOptions } from './logger';
export { MetricsController } from './metrics.controller';
export { ServiceKitModule, type ServiceKitOptions } from './service-kit.module';
export { HEALTH_CHECKS, LOGGER, SERVICE_CONFIG, SERVICE_NAME } from './tokens';
export { bodyErrorMiddleware } from './body-error.middleware';
