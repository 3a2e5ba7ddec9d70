import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { checkedCursor } from '../../dialogs/checked-cursor';
import { toPage, type Page } from '../../http/pagination';
import type { AuditEntryResponse } from '../audit-entry.dto';
import type { ListAuditQueryDto } from './list-audit.dto';

interface AuditRow {
  id: string;
  at: Date;
  user_id: string;
  action: string;
  entity: string;
  entity_id: string;
  sort_v: string;
}

/** The account's audit log, newest first, keyset-paginated on (at, id), optionally by action and entity id. */
@Injectable()
export class ListAuditUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, query: ListAuditQueryDto): Promise<Page<AuditEntryResponse>> {
    const limit = query.limit ?? 50;
    const after = checkedCursor(query.cursor, 'timestamp');
    const params: unknown[] = [user.accountId];
    const where = ['a.account_id = $1'];
    if (query.action) where.push(`a.action = $${params.push(query.action)}`);
    if (query.entityId) where.push(`a.entity_id = $${params.push(query.entityId)}::uuid`);
    if (after) where.push(`(a.at, a.id) < ($${params.push(after.v)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows = (await this.dataSource.query(
      `SELECT a.id, a.at, a.user_id, a.action, a.entity, a.entity_id,
              to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_v
         FROM audit_log a
        WHERE ${where.join(' AND ')}
        ORDER BY a.at DESC, a.id DESC
        LIMIT $${params.push(limit + 1)}`,
      params,
    )) as AuditRow[];
    return toPage(
      rows,
      limit,
      (r) => ({ v: r.sort_v, id: r.id }),
      (r) => ({ id: r.id, at: r.at.toISOString(), userId: r.user_id, action: r.action, entity: r.entity, entityId: r.entity_id }),
    );
  }
}
