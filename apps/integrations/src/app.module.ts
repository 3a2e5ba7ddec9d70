import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ServiceKitModule } from '@crm/service-kit';
import { IntegrationsConfig } from './config/integrations.config';
import { clockProvider } from './crm/clock.provider';
import { crmAdapterProviders } from './crm/crm-adapters';
import { CrmConnections } from './crm/crm-connections';
import { ForwardIntegrationUseCase } from './forward-records/forward-integration.usecase';
import { IntegrationClaims } from './forward-records/integration-claims';
import { SyncWorkRepository } from './forward-records/sync-work.repository';
import { SyncWorker } from './forward-records/sync-worker';
import { SyncWorkerSignal } from './forward-records/sync-worker.signal';
import { ClientErasedConsumer } from './forward-client-erased/client-erased.consumer';
import { ForwardClientErasedUseCase } from './forward-client-erased/forward-client-erased.usecase';
import { ClientMergedConsumer } from './forward-client-merged/client-merged.consumer';
import { ForwardClientMergedUseCase } from './forward-client-merged/forward-client-merged.usecase';
import { CrmEventsConsumer } from './ingest-crm-events/crm-events.consumer';
import { IngestCrmEventsUseCase } from './ingest-crm-events/ingest-crm-events.usecase';
import { SyncRecordWriter } from './ingest-crm-events/sync-record.writer';
import { IntegrationRecheckScheduler } from './recheck-integrations/integration-recheck.scheduler';
import { RecheckIntegrationUseCase } from './recheck-integrations/recheck-integration.usecase';

/**
 * Consumes CRM events into per-record sync state, forwards clients/leads/messages to Bitrix24 / amoCRM (one adapter
 * per CRM behind @crm/crm-port), re-checks integrations saved while their CRM was unreachable. Sync changes go to
 * crm.events.v1 (sync.updated) through the transactional outbox.
 */
@Module({})
export class AppModule {
  static forRoot(config: IntegrationsConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'integrations',
          config,
          logger,
          outboxRelay: true,
          // a lock connection and a work connection per forwarding slot, the consumer's partitions, relay and headroom
          poolSize: config.SYNC_WORKER_CONCURRENCY * 2 + 8,
        }),
      ],
      controllers: [CrmEventsConsumer, ClientErasedConsumer, ClientMergedConsumer],
      providers: [
        clockProvider,
        ...crmAdapterProviders,
        CrmConnections,
        SyncWorkerSignal,
        SyncRecordWriter,
        IngestCrmEventsUseCase,
        IntegrationClaims,
        SyncWorkRepository,
        ForwardIntegrationUseCase,
        SyncWorker,
        RecheckIntegrationUseCase,
        IntegrationRecheckScheduler,
        ForwardClientErasedUseCase,
        ForwardClientMergedUseCase,
      ],
    };
  }
}
