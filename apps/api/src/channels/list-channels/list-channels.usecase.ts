import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { decodeCursor, encodeCursor } from '../../http/pagination';
import type { ListChannelsQueryDto } from './list-channels.dto';

/** The account's channels, newest first, keyset-paginated on (created_at, id); an empty account gets no items. */
@Injectable()
export class ListChannelsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, query: ListChannelsQueryDto): Promise<{ items: ChannelEntity[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const qb = this.dataSource
      .getRepository(ChannelEntity)
      .createQueryBuilder('c')
      .addSelect('c.created_at::text', 'cursor_v')
      .where('c.accountId = :accountId', { accountId: user.accountId })
      .orderBy('c.createdAt', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (query.type) qb.andWhere('c.type = :type', { type: query.type });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (after) qb.andWhere('(c.createdAt, c.id) < (:v::timestamptz, :id)', { v: after.v, id: after.id });
    const { entities, raw } = await qb.getRawAndEntities<{ cursor_v: string }>();
    const items = entities.slice(0, limit);
    return { items, nextCursor: entities.length > limit ? encodeCursor({ v: raw[limit - 1].cursor_v, id: items[limit - 1].id }) : null };
  }
}
