import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { toPage, type ListQueryDto, type Page } from '../../http/pagination';
import { checkedCursor } from '../checked-cursor';
import type { MessageResponse } from '../dialog.dto';
import { MESSAGE_SELECT, presentMessage, requireDialog, revisionsOf, type MessageRow } from '../dialog.store';

/**
 * The dialog's messages, newest first (the order they reached the CRM: ids are time-ordered UUIDv7), keyset-paginated
 * on the id; edited messages carry their earlier versions.
 */
@Injectable()
export class ListMessagesUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, dialogId: string, query: ListQueryDto): Promise<Page<MessageResponse>> {
    await requireDialog(this.dataSource, user.accountId, dialogId);
    const limit = query.limit ?? 50;
    const after = checkedCursor(query.cursor, 'uuid');
    const params: unknown[] = [user.accountId, dialogId];
    const before = after ? ` AND m.id < $${params.push(after.id)}::uuid` : '';
    const rows = (await this.dataSource.query(
      `${MESSAGE_SELECT} WHERE m.account_id = $1 AND m.dialog_id = $2${before} ORDER BY m.id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    )) as MessageRow[];
    const edited = rows.slice(0, limit).filter((r) => r.edited_at !== null).map((r) => r.id);
    const revisions = await revisionsOf(this.dataSource, user.accountId, edited);
    return toPage(rows, limit, (r) => ({ v: r.id, id: r.id }), (r) => presentMessage(r, revisions.get(r.id)));
  }
}
