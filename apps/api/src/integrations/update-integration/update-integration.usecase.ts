import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IntegrationEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { IntegrationResponse } from '../integration.dto';
import { IntegrationPresenter } from '../integration.presenter';
import { IntegrationSettingsService } from '../integration-settings';
import { requireIntegration, resumeForwarding } from '../integration.store';
import type { UpdateIntegrationDto } from './update-integration.dto';

@Injectable()
export class UpdateIntegrationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: IntegrationSettingsService,
    private readonly presenter: IntegrationPresenter,
  ) {}

  /**
   * A PATCH always re-checks the credentials with the CRM (DESIGN §7a), settings changed or not: refused → 422 and
   * nothing changes; passed → the integration is `active` and its waiting records go out at once; CRM unreachable →
   * `error` and re-checked in the background.
   */
  async execute(user: AuthUser, id: string, dto: UpdateIntegrationDto): Promise<IntegrationResponse> {
    return this.dataSource.transaction(async (m) => {
      const row = await requireIntegration(m, user.accountId, id, true);
      if (dto.name !== undefined) row.name = dto.name;
      Object.assign(row, await this.settings.merge(row, dto.settings ?? {}));
      await m.save(IntegrationEntity, row);
      if (row.status === 'active') await resumeForwarding(m, user.accountId, id);
      return this.presenter.present(await requireIntegration(m, user.accountId, id));
    });
  }
}
