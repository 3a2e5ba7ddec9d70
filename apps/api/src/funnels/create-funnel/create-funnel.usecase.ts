import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FunnelEntity, FunnelStageEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { FunnelResponse } from '../funnel.dto';
import { funnelOrder, lockAccountFunnels, presentFunnel, writePositions } from '../funnel.store';
import { placeAt } from '../positions';
import type { CreateFunnelDto } from './create-funnel.dto';

/** A funnel (inserted at `position`, at the end by default) with its initial stages in the given order. */
@Injectable()
export class CreateFunnelUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, dto: CreateFunnelDto): Promise<FunnelResponse> {
    return this.dataSource.transaction(async (m) => {
      await lockAccountFunnels(m, user.accountId);
      const order = await funnelOrder(m, user.accountId);
      const funnel = await m.save(FunnelEntity, m.create(FunnelEntity, { accountId: user.accountId, name: dto.name, position: order.length }));
      await writePositions(m, 'funnels', user.accountId, placeAt(order, funnel.id, dto.position));
      const stages = dto.stages ?? [];
      if (stages.length > 0) {
        await m.insert(
          FunnelStageEntity,
          stages.map((s, position) => ({ accountId: user.accountId, funnelId: funnel.id, name: s.name, position })),
        );
      }
      return presentFunnel(m, user.accountId, funnel.id);
    });
  }
}
