import type { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import { ChannelEntity } from '@crm/persistence';

/** The account's channel (not deleted), row-locked when `lock`; CHANNEL_NOT_FOUND otherwise. */
export async function requireChannel(manager: EntityManager, accountId: string, id: string, lock = false): Promise<ChannelEntity> {
  const qb = manager.getRepository(ChannelEntity).createQueryBuilder('c').where('c.id = :id AND c.accountId = :accountId', { id, accountId });
  if (lock) qb.setLock('pessimistic_write');
  const row = await qb.getOne();
  if (!row) throw new DomainError(ErrorCode.CHANNEL_NOT_FOUND);
  return row;
}

/** Locks the row again inside a transaction and refuses (409) when someone changed it since `seen` was read. */
export async function relockUnchanged(manager: EntityManager, seen: ChannelEntity): Promise<ChannelEntity> {
  const row = await requireChannel(manager, seen.accountId, seen.id, true);
  if (row.revision !== seen.revision) {
    throw new DomainError(ErrorCode.CONFLICT, {}, [{ path: 'revision', constraints: ['the channel was changed meanwhile; reload and try again'] }]);
  }
  return row;
}

/** Saves a changed channel with the next revision and reads it back (updated_at as stored). */
export async function saveNextRevision(manager: EntityManager, row: ChannelEntity): Promise<ChannelEntity> {
  row.revision += 1;
  await manager.save(ChannelEntity, row);
  return requireChannel(manager, row.accountId, row.id);
}
