import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IntegrationEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { IntegrationResponse } from '../integration.dto';
import { IntegrationPresenter } from '../integration.presenter';
import { IntegrationSettingsService } from '../integration-settings';
import { requireIntegration } from '../integration.store';
import type { UpdateIntegrationDto } from './update-integration.dto';

@Injectable()
export class UpdateIntegrationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: IntegrationSettingsService,
    private readonly presenter: IntegrationPresenter,
  ) {}

  async execute(user: AuthUser, id: string, dto: UpdateIntegrationDto): Promise<IntegrationResponse> {
    return this.dataSource.transaction(async (m) => {
      const row = await requireIntegration(m, user.accountId, id, true);
      if (dto.name !== undefined) row.name = dto.name;
      if (dto.settings !== undefined) Object.assign(row, await this.settings.merge(row, dto.settings));
      await m.save(IntegrationEntity, row);
      return this.presenter.present(await requireIntegration(m, user.accountId, id));
    });
  }
}
