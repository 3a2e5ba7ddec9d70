import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import type { DialogResponse } from '../dialog.dto';
import { presentDialog, requireDialog } from '../dialog.store';

/** The agent has read the dialog: its unread count goes back to 0 (new inbound messages count up again). */
@Injectable()
export class MarkDialogReadUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, dialogId: string): Promise<DialogResponse> {
    await this.dataSource.query(
      `UPDATE dialogs SET unread_count = 0, updated_at = now() WHERE account_id = $1 AND id = $2 AND unread_count <> 0`,
      [user.accountId, dialogId],
    );
    return presentDialog(await requireDialog(this.dataSource, user.accountId, dialogId));
  }
}
