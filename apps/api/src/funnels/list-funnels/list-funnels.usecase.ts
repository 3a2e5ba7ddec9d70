import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FunnelEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { decodeCursor, encodeCursor, ListQueryDto, type Page } from '../../http/pagination';
import type { FunnelResponse } from '../funnel.dto';
import { presentFunnels } from '../funnel.store';

/** The account's funnels in their order, with stages; keyset-paginated on (position, id). */
@Injectable()
export class ListFunnelsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, query: ListQueryDto): Promise<Page<FunnelResponse>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const qb = this.dataSource
      .getRepository(FunnelEntity)
      .createQueryBuilder('f')
      .where('f.accountId = :accountId', { accountId: user.accountId })
      .orderBy('f.position')
      .addOrderBy('f.id')
      .take(limit + 1);
    if (after) qb.andWhere('(f.position, f.id) > (:v, :id)', { v: Number(after.v), id: after.id });
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await presentFunnels(this.dataSource.manager, user.accountId, page),
      nextCursor: rows.length > limit ? encodeCursor({ v: String(last.position), id: last.id }) : null,
    };
  }
}
