import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FunnelStageEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import type { FunnelResponse } from '../funnel.dto';
import { presentFunnel, requireFunnel, requireStage, stageOrder, writePositions } from '../funnel.store';
import { placeAt } from '../positions';
import type { UpdateStageDto } from './update-stage.dto';

/** Renames and/or moves a stage within its funnel; answers the whole funnel. */
@Injectable()
export class UpdateStageUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, funnelId: string, stageId: string, dto: UpdateStageDto): Promise<FunnelResponse> {
    return this.dataSource.transaction(async (m) => {
      await requireFunnel(m, user.accountId, funnelId, true);
      await requireStage(m, user.accountId, funnelId, stageId);
      if (dto.name !== undefined) await m.update(FunnelStageEntity, { id: stageId, accountId: user.accountId }, { name: dto.name });
      if (dto.position !== undefined) {
        await writePositions(m, 'funnel_stages', user.accountId, placeAt(await stageOrder(m, user.accountId, funnelId), stageId, dto.position));
      }
      return presentFunnel(m, user.accountId, funnelId);
    });
  }
}
