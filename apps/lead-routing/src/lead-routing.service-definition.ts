import { ServiceDefinition } from '@crm/service-kit';
import { AppModule } from './app.module';
import { LeadRoutingConfig } from './config/lead-routing.config';
import { INBOUND_CONSUMER_GROUP } from './inbound/inbound-message.consumer';

export const leadRoutingService: ServiceDefinition<LeadRoutingConfig> = {
  service: 'lead-routing',
  configClass: LeadRoutingConfig,
  module: (config, logger) => AppModule.forRoot(config, logger),
  consumerTuning: (config) => ({
    [INBOUND_CONSUMER_GROUP]: {
      maxBatchSize: config.ROUTING_BATCH_SIZE,
      partitionsConsumedConcurrently: config.ROUTING_PARTITION_CONCURRENCY,
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      fetchMinBytes: config.ROUTING_FETCH_MIN_BYTES,
      fetchMaxWaitMs: config.ROUTING_FETCH_MAX_WAIT_MS,
    },
  }),
};
