import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IntegrationVerifierRegistry } from '@crm/integration-types';
import { IntegrationEntity, type IntegrationType } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { IntegrationResponse } from '../integration.dto';
import { IntegrationPresenter } from '../integration.presenter';
import { IntegrationSettingsService } from '../integration-settings';
import type { CreateIntegrationDto } from './create-integration.dto';

@Injectable()
export class CreateIntegrationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: IntegrationSettingsService,
    private readonly presenter: IntegrationPresenter,
    private readonly verifiers: IntegrationVerifierRegistry,
  ) {}

  async execute(user: AuthUser, dto: CreateIntegrationDto): Promise<IntegrationResponse> {
    // Nothing would forward to a CRM whose type is unavailable: 422 INTEGRATION_TYPE_UNAVAILABLE, nothing saved.
    this.verifiers.requireAvailable(dto.type);
    const prepared = await this.settings.prepare(dto.type, dto.settings);
    const row = await this.dataSource.manager.save(
      IntegrationEntity,
      this.dataSource.manager.create(IntegrationEntity, { accountId: user.accountId, type: dto.type as IntegrationType, name: dto.name, ...prepared }),
    );
    return this.presenter.present(row);
  }
}
