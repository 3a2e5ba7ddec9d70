import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { refuseWhenUsed } from '../../shared/refuse-when-used';
import { channelsRoutingTo, funnelOrder, lockAccountFunnels, requireFunnel, writePositions } from '../funnel.store';
import { without } from '../positions';

/**
 * Soft-deletes a funnel and its stages (leads keep pointing at them). Refused with 409 FUNNEL_IN_USE, naming the
 * channels, while a channel routes new leads into it.
 */
@Injectable()
export class DeleteFunnelUseCase {
  constructor(private readonly dataSource: DataSource) {}

  execute(user: AuthUser, funnelId: string): Promise<void> {
    return this.dataSource.transaction(async (m) => {
      await lockAccountFunnels(m, user.accountId);
      await requireFunnel(m, user.accountId, funnelId, true);
      refuseWhenUsed(ErrorCode.FUNNEL_IN_USE, await channelsRoutingTo(m, user.accountId, { funnelId }));
      await m.query(`UPDATE funnel_stages SET deleted_at = now() WHERE account_id = $1 AND funnel_id = $2 AND deleted_at IS NULL`, [user.accountId, funnelId]);
      await m.query(`UPDATE funnels SET deleted_at = now() WHERE account_id = $1 AND id = $2`, [user.accountId, funnelId]);
      await writePositions(m, 'funnels', user.accountId, without(await funnelOrder(m, user.accountId), funnelId));
    });
  }
}
