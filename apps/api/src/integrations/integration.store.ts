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
