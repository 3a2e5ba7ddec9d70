import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import { IntegrationEntity } from '@crm/persistence';

/** The account's integration (not deleted), row-locked when `lock`; INTEGRATION_NOT_FOUND otherwise. */
export async function requireIntegration(manager: EntityManager, accountId: string, id: string, lock = false): Promise<IntegrationEntity> {
  const qb = manager.getRepository(IntegrationEntity).createQueryBuilder('i').where('i.id = :id AND i.accountId = :accountId', { id, accountId });
  if (lock) qb.setLock('pessimistic_write');
  const row = await qb.getOne();
  if (!row) throw new DomainError(ErrorCode.INTEGRATION_NOT_FOUND);
  return row;
}

/**
 * The integration was fixed: the integrations service may forward for it again at once (its backoff after outages is
 * forgotten; the CRM's rate limit is still honoured). A worker forwarding for it right now holds the row: then it is
 * left alone (that worker sees the waiting records anyway), so the request never waits for a CRM call.
 */
export async function resumeForwarding(manager: EntityManager, accountId: string, id: string): Promise<void> {
  await manager.query(
    `UPDATE integration_rate_limits r SET blocked_until = '-infinity', failures = 0, updated_at = now()
      WHERE r.integration_id = (SELECT integration_id FROM integration_rate_limits
                                 WHERE integration_id = $1 AND account_id = $2 FOR UPDATE SKIP LOCKED)`,
    [id, accountId],
  );
}
