import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import type { IntegrationResponse } from '../integration.dto';
import { IntegrationPresenter } from '../integration.presenter';
import { requireIntegration } from '../integration.store';

@Injectable()
export class GetIntegrationUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly presenter: IntegrationPresenter,
  ) {}

  async execute(user: AuthUser, id: string): Promise<IntegrationResponse> {
    return this.presenter.present(await requireIntegration(this.dataSource.manager, user.accountId, id));
  }
}
