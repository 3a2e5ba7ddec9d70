import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { toPage, type Page } from '../../http/pagination';
import { checkedCursor } from '../../dialogs/checked-cursor';
import type { LeadResponse } from '../lead.dto';
import type { ListLeadsQueryDto } from './list-leads.dto';
import { LEAD_SELECT, presentLead, syncOf, type LeadRow } from '../lead.store';

/** The account's leads, newest first (filter by status, client, funnel), each with its sync state per integration. */
@Injectable()
export class ListLeadsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, query: ListLeadsQueryDto): Promise<Page<LeadResponse>> {
    const limit = query.limit ?? 50;
    const after = checkedCursor(query.cursor, 'timestamp');
    const params: unknown[] = [user.accountId];
    const where = ['l.account_id = $1'];
    if (query.status) where.push(`l.status = $${params.push(query.status)}`);
    if (query.clientId) where.push(`l.client_id = $${params.push(query.clientId)}`);
    if (query.funnelId) where.push(`l.funnel_id = $${params.push(query.funnelId)}`);
    if (after) where.push(`(l.created_at, l.id) < ($${params.push(after.v)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows = (await this.dataSource.query(
      `${LEAD_SELECT} WHERE ${where.join(' AND ')} ORDER BY l.created_at DESC, l.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    )) as LeadRow[];
    const sync = await syncOf(this.dataSource, user.accountId, rows.slice(0, limit).map((r) => r.id));
    return toPage(rows, limit, (r) => ({ v: r.sort_v, id: r.id }), (r) => presentLead(r, sync.get(r.id)));
  }
}
