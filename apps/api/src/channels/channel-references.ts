import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';

export interface ChannelReferences {
  integrationId: string | null;
  funnelId: string | null;
  stageId: string | null;
}

/**
 * The wizard's choices must be the account's own: an integration, funnel or stage of another account (or a deleted
 * one) is "not found" (404, with the field in details), and the stage must belong to the chosen funnel. Inside the
 * saving transaction the rows are share-locked so they cannot be deleted before the channel commits.
 */
@Injectable()
export class ChannelReferencesValidator {
  async assert(manager: EntityManager, accountId: string, refs: ChannelReferences, lock = false): Promise<void> {
    const forShare = lock ? ' FOR SHARE' : '';
    if (refs.integrationId) {
      const rows = await manager.query(`SELECT id FROM integrations WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL${forShare}`, [refs.integrationId, accountId]);
      if (rows.length === 0) throw notFound(ErrorCode.INTEGRATION_NOT_FOUND, 'integrationId', 'no such integration in this account');
    }
    if (refs.funnelId) {
      const rows = await manager.query(`SELECT id FROM funnels WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL${forShare}`, [refs.funnelId, accountId]);
      if (rows.length === 0) throw notFound(ErrorCode.FUNNEL_NOT_FOUND, 'routing.funnelId', 'no such funnel in this account');
    }
    if (refs.stageId) {
      const rows = (await manager.query(`SELECT funnel_id FROM funnel_stages WHERE id = $1 AND account_id = $2 AND deleted_at IS NULL${forShare}`, [
        refs.stageId,
        accountId,
      ])) as Array<{ funnel_id: string }>;
      if (rows.length === 0) throw notFound(ErrorCode.STAGE_NOT_FOUND, 'routing.stageId', 'no such funnel stage in this account');
      if (rows[0].funnel_id !== refs.funnelId) {
        throw new DomainError(ErrorCode.STAGE_NOT_IN_FUNNEL, {}, [{ path: 'routing.stageId', constraints: ['the stage must belong to routing.funnelId'] }]);
      }
    }
  }
}

function notFound(code: ErrorCode, path: string, constraint: string): DomainError {
  return new DomainError(code, {}, [{ path, constraints: [constraint] }]);
}
