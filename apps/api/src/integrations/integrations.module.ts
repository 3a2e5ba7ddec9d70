import { Module } from '@nestjs/common';
import { INTEGRATION_VERIFIERS, IntegrationVerifierRegistry, type IntegrationVerifier } from '@crm/integration-types';
import { multiProvider } from '../di/multi-provider';
import { CreateIntegrationUseCase } from './create-integration/create-integration.usecase';
import { DeleteIntegrationUseCase } from './delete-integration/delete-integration.usecase';
import { GetIntegrationUseCase } from './get-integration/get-integration.usecase';
import { INTEGRATION_VERIFIER_FACTORIES } from './integration-verifiers';
import { IntegrationPresenter } from './integration.presenter';
import { IntegrationSettingsService } from './integration-settings';
import { IntegrationsController } from './integrations.controller';
import { ListIntegrationsUseCase } from './list-integrations/list-integrations.usecase';
import { ListSyncRecordsUseCase } from './list-sync-records/list-sync-records.usecase';
import { ReplaySyncRecordsUseCase } from './replay-sync-records/replay-sync-records.usecase';
import { UpdateIntegrationUseCase } from './update-integration/update-integration.usecase';

/**
 * Bitrix24 / amoCRM connections: one IntegrationVerifier per CRM (multi-provider), CRUD with masked secrets, and the
 * sync records the integrations service keeps (list, replay).
 */
@Module({
  controllers: [IntegrationsController],
  providers: [
    ...multiProvider(INTEGRATION_VERIFIERS, INTEGRATION_VERIFIER_FACTORIES),
    { provide: IntegrationVerifierRegistry, inject: [INTEGRATION_VERIFIERS], useFactory: (v: IntegrationVerifier[]) => new IntegrationVerifierRegistry(v) },
    IntegrationSettingsService,
    IntegrationPresenter,
    ListIntegrationsUseCase,
    GetIntegrationUseCase,
    CreateIntegrationUseCase,
    UpdateIntegrationUseCase,
    DeleteIntegrationUseCase,
    ListSyncRecordsUseCase,
    ReplaySyncRecordsUseCase,
  ],
})
export class IntegrationsModule {}
