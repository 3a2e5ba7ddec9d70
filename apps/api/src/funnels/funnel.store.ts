import { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import { FunnelEntity, FunnelStageEntity } from '@crm/persistence';
import type { FunnelResponse } from './funnel.dto';

/** Queries shared by the funnel use-cases. Every one is scoped by account (another account's ids are "not found"). */

/** Serializes changes to the order of one account's funnels (inside the caller's transaction). */
export async function lockAccountFunnels(manager: EntityManager, accountId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('funnels:' || $1))`, [accountId]);
}

/** The funnel (not deleted) of the account, row-locked when `lock`; FUNNEL_NOT_FOUND otherwise. */
export async function requireFunnel(manager: EntityManager, accountId: string, funnelId: string, lock = false): Promise<FunnelEntity> {
  const qb = manager.getRepository(FunnelEntity).createQueryBuilder('f').where('f.id = :funnelId AND f.accountId = :accountId', { funnelId, accountId });
  if (lock) qb.setLock('pessimistic_write');
  const funnel = await qb.getOne();
  if (!funnel) throw new DomainError(ErrorCode.FUNNEL_NOT_FOUND);
  return funnel;
}

export async function requireStage(manager: EntityManager, accountId: string, funnelId: string, stageId: string, lock = false): Promise<FunnelStageEntity> {
  const qb = manager
    .getRepository(FunnelStageEntity)
    .createQueryBuilder('s')
    .where('s.id = :stageId AND s.funnelId = :funnelId AND s.accountId = :accountId', { stageId, funnelId, accountId });
  if (lock) qb.setLock('pessimistic_write');
  const stage = await qb.getOne();
  if (!stage) throw new DomainError(ErrorCode.STAGE_NOT_FOUND);
  return stage;
}

/** Ids of the account's funnels in order. */
export async function funnelOrder(manager: EntityManager, accountId: string): Promise<string[]> {
  const rows = (await manager.query(
    `SELECT id FROM funnels WHERE account_id = $1 AND deleted_at IS NULL ORDER BY position, created_at, id`,
    [accountId],
  )) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Ids of a funnel's stages in order. */
export async function stageOrder(manager: EntityManager, accountId: string, funnelId: string): Promise<string[]> {
  const rows = (await manager.query(
    `SELECT id FROM funnel_stages WHERE account_id = $1 AND funnel_id = $2 AND deleted_at IS NULL ORDER BY position, created_at, id`,
    [accountId, funnelId],
  )) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Writes position = index for every id whose position differs, in one statement. */
export async function writePositions(manager: EntityManager, table: 'funnels' | 'funnel_stages', accountId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await manager.query(
    `UPDATE ${table} t SET position = v.pos, updated_at = now()
       FROM unnest($2::uuid[], $3::int[]) AS v(id, pos)
      WHERE t.id = v.id AND t.account_id = $1 AND t.position <> v.pos`,
    [accountId, ids, ids.map((_, i) => i)],
  );
}

/** Channels (not deleted) of the account that route to the funnel or the stage — what blocks deleting it. */
export async function channelsRoutingTo(manager: EntityManager, accountId: string, target: { funnelId: string } | { stageId: string }): Promise<Array<{ id: string; name: string }>> {
  const [column, value] = 'funnelId' in target ? ['funnel_id', target.funnelId] : ['stage_id', target.stageId];
  return (await manager.query(
    `SELECT id, name FROM channels WHERE account_id = $1 AND ${column} = $2 AND deleted_at IS NULL ORDER BY created_at, id`,
    [accountId, value],
  )) as Array<{ id: string; name: string }>;
}

/** Funnels with their stages, as the API shows them. */
export async function presentFunnels(manager: EntityManager, accountId: string, funnels: FunnelEntity[]): Promise<FunnelResponse[]> {
  if (funnels.length === 0) return [];
  const stages = await manager
    .getRepository(FunnelStageEntity)
    .createQueryBuilder('s')
    .where('s.accountId = :accountId AND s.funnelId IN (:...ids)', { accountId, ids: funnels.map((f) => f.id) })
    .orderBy('s.position')
    .addOrderBy('s.createdAt')
    .addOrderBy('s.id')
    .getMany();
  return funnels.map((f) => ({
    id: f.id,
    name: f.name,
    position: f.position,
    stages: stages.filter((s) => s.funnelId === f.id).map((s) => ({ id: s.id, name: s.name, position: s.position })),
  }));
}

export async function presentFunnel(manager: EntityManager, accountId: string, funnelId: string): Promise<FunnelResponse> {
  const funnel = await requireFunnel(manager, accountId, funnelId);
  return (await presentFunnels(manager, accountId, [funnel]))[0];
}
