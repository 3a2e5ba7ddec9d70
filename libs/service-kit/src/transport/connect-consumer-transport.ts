import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { EventProducer, KafkaConnection } from '@crm/messaging';
import { DatabaseHealthProbe } from '../database-health.probe';
import { ServiceReadiness } from '../readiness';
import type { ConsumerTuning } from './consumer-pattern';
import { KafkaConsumerTransport } from './kafka-consumer.transport';
import { PassThroughRpcFilter } from './pass-through-rpc.filter';

export interface ConsumerTransportHandle {
  /** Registers the @EventPattern handlers and starts their consumers. */
  start(): Promise<void>;
  /** Drains them (current messages finish and are committed). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Connects KafkaConsumerTransport to the app as a hybrid microservice: its own (not inherited) global config with
 * PassThroughRpcFilter, so the HTTP filters never see consumer errors and the runner sees the real ones.
 */
export function connectConsumerTransport(
  app: NestExpressApplication,
  logger: Logger,
  tuning?: Record<string, ConsumerTuning>,
): ConsumerTransportHandle {
  const transport = new KafkaConsumerTransport({
    connection: app.get(KafkaConnection),
    producer: app.get(EventProducer),
    logger,
    database: app.get(DatabaseHealthProbe),
    readiness: app.get(ServiceReadiness),
    tuning,
  });
  // Deferred: listeners are registered at start, after the filter below is in place (Nest reads global filters when
  // it wraps the handlers). The app's own init hooks already ran (or will run in app.init): not twice.
  const microservice = app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false, deferInitialization: true });
  microservice.useGlobalFilters(new PassThroughRpcFilter());
  (microservice as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
  return {
    start: async () => void (await app.startAllMicroservices()),
    stop: () => transport.close(),
  };
}
