import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { toPage, type Page } from '../../http/pagination';
import { checkedCursor } from '../checked-cursor';
import type { DialogResponse } from '../dialog.dto';
import { DIALOG_SELECT, presentDialog, type DialogRow } from '../dialog.store';
import type { ListDialogsQueryDto } from './list-dialogs.dto';

/** The account's dialogs, most recent activity first, keyset-paginated on (last activity, id). */
@Injectable()
export class ListDialogsUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, query: ListDialogsQueryDto): Promise<Page<DialogResponse>> {
    const limit = query.limit ?? 50;
    const after = checkedCursor(query.cursor, 'timestamp');
    const params: unknown[] = [user.accountId];
    const where = ['d.account_id = $1'];
    if (query.channelId) where.push(`d.channel_id = $${params.push(query.channelId)}`);
    if (query.status) where.push(`d.status = $${params.push(query.status)}`);
    if (after) {
      where.push(`(COALESCE(d.last_message_at, d.created_at), d.id) < ($${params.push(after.v)}::timestamptz, $${params.push(after.id)}::uuid)`);
    }
    const rows = (await this.dataSource.query(
      `${DIALOG_SELECT} WHERE ${where.join(' AND ')}
        ORDER BY COALESCE(d.last_message_at, d.created_at) DESC, d.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    )) as DialogRow[];
    return toPage(rows, limit, (r) => ({ v: r.sort_v, id: r.id }), presentDialog);
  }
}
