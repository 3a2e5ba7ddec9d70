import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { refuseWhenUsed } from '../../shared/refuse-when-used';
import type { FunnelResponse } from '../funnel.dto';
import { channelsRoutingTo, presentFunnel, requireFunnel, requireStage, stageOrder, writePositions } from '../funnel.store';
import { without } from '../positions';

/** Soft-deletes a stage (409 STAGE_IN_USE naming the channels that route to it); answers the remaining funnel. */
@Injectable()
export class DeleteStageUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, funnelId: string, stageId: string): Promise<FunnelResponse> {
    return this.dataSource.transaction(async (m) => {
      await requireFunnel(m, user.accountId, funnelId, true);
      await requireStage(m, user.accountId, funnelId, stageId, true);
      refuseWhenUsed(ErrorCode.STAGE_IN_USE, await channelsRoutingTo(m, user.accountId, { stageId }));
      await m.query(`UPDATE funnel_stages SET deleted_at = now() WHERE account_id = $1 AND id = $2`, [user.accountId, stageId]);
      await writePositions(m, 'funnel_stages', user.accountId, without(await stageOrder(m, user.accountId, funnelId), stageId));
      return presentFunnel(m, user.accountId, funnelId);
    });
  }
}
