import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FunnelStageEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { FunnelResponse } from '../funnel.dto';
import { presentFunnel, requireFunnel, stageOrder, writePositions } from '../funnel.store';
import { placeAt } from '../positions';
import type { CreateStageDto } from './add-stage.dto';

/** Adds a stage at `position` (at the end by default); answers the whole funnel. */
@Injectable()
export class AddStageUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, funnelId: string, dto: CreateStageDto): Promise<FunnelResponse> {
    return this.dataSource.transaction(async (m) => {
      await requireFunnel(m, user.accountId, funnelId, true);
      const order = await stageOrder(m, user.accountId, funnelId);
      const stage = await m.save(FunnelStageEntity, m.create(FunnelStageEntity, { accountId: user.accountId, funnelId, name: dto.name, position: order.length }));
      await writePositions(m, 'funnel_stages', user.accountId, placeAt(order, stage.id, dto.position));
      return presentFunnel(m, user.accountId, funnelId);
    });
  }
}
