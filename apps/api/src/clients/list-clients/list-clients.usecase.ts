import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { toPage, type ListQueryDto, type Page } from '../../http/pagination';
import { checkedCursor } from '../../dialogs/checked-cursor';
import type { ClientResponse } from '../client.dto';
import { CLIENT_SELECT, identitiesOf, presentClient, type ClientRow } from '../client.store';

/** The account's clients, newest first, with their identities; keyset-paginated on (created_at, id). */
@Injectable()
export class ListClientsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, query: ListQueryDto): Promise<Page<ClientResponse>> {
    const limit = query.limit ?? 50;
    const after = checkedCursor(query.cursor, 'timestamp');
    const params: unknown[] = [user.accountId];
    const keyset = after ? ` AND (c.created_at, c.id) < ($${params.push(after.v)}::timestamptz, $${params.push(after.id)}::uuid)` : '';
    const rows = (await this.dataSource.query(
      `${CLIENT_SELECT} WHERE c.account_id = $1${keyset} ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    )) as ClientRow[];
    const identities = await identitiesOf(this.dataSource, user.accountId, rows.slice(0, limit).map((r) => r.id));
    return toPage(rows, limit, (r) => ({ v: r.sort_v, id: r.id }), (r) => presentClient(r, identities.get(r.id)));
  }
}
