import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IntegrationEntity } from '@crm/persistence';
import type { AuthUser } from '../../auth/auth-user';
import { decodeCursor, encodeCursor, ListQueryDto, type Page } from '../../http/pagination';
import type { IntegrationResponse } from '../integration.dto';
import { IntegrationPresenter } from '../integration.presenter';

/** The account's integrations, oldest first; keyset-paginated on (created_at, id). */
@Injectable()
export class ListIntegrationsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly presenter: IntegrationPresenter,
  ) {}

  async execute(user: AuthUser, query: ListQueryDto): Promise<Page<IntegrationResponse>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const qb = this.dataSource
      .getRepository(IntegrationEntity)
      .createQueryBuilder('i')
      .addSelect('i.created_at::text', 'cursor_v')
      .where('i.accountId = :accountId', { accountId: user.accountId })
      .orderBy('i.createdAt', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(limit + 1);
    if (after) qb.andWhere('(i.createdAt, i.id) > (:v::timestamptz, :id)', { v: after.v, id: after.id });
    const { entities, raw } = await qb.getRawAndEntities<{ cursor_v: string }>();
    const page = entities.slice(0, limit);
    return {
      items: page.map((r) => this.presenter.present(r)),
      nextCursor: entities.length > limit ? encodeCursor({ v: raw[limit - 1].cursor_v, id: page[limit - 1].id }) : null,
    };
  }
}
