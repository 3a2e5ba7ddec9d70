import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import type { FunnelResponse } from '../funnel.dto';
import { presentFunnel } from '../funnel.store';

@Injectable()
export class GetFunnelUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, funnelId: string): Promise<FunnelResponse> {
    return presentFunnel(this.dataSource.manager, user.accountId, funnelId);
  }
}
