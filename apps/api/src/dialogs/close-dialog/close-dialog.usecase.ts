import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEnvelope, crmEventKey, Topics } from '@crm/contracts';
import { enqueueOutbox } from '@crm/outbox';
import type { AuthUser } from '../../auth/auth-user';
import type { DialogResponse } from '../dialog.dto';
import { presentDialog, requireDialog } from '../dialog.store';

/**
 * Closes the conversation (idempotent: closing a closed dialog changes nothing). The next inbound message reopens the
 * dialog as a new conversation (lead-routing). dialog.closed goes out through the outbox in the same transaction.
 */
@Injectable()
export class CloseDialogUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, dialogId: string): Promise<DialogResponse> {
    return this.dataSource.transaction(async (m) => {
      // (TypeORM answers an UPDATE with [rows, rowCount].)
      const [[closed]] = (await m.query(
        `UPDATE dialogs SET status = 'closed', closed_at = now(), updated_at = now()
          WHERE account_id = $1 AND id = $2 AND status = 'open'
          RETURNING id, channel_id`,
        [user.accountId, dialogId],
      )) as [Array<{ id: string; channel_id: string }>, number];
      if (closed) {
        await enqueueOutbox(m, [
          {
            accountId: user.accountId,
            topic: Topics.CrmEvents,
            key: crmEventKey(closed.id),
            envelope: createEnvelope('crm.event', { kind: 'dialog.closed', dialogId: closed.id }, { accountId: user.accountId, channelId: closed.channel_id }),
          },
        ]);
      }
      return presentDialog(await requireDialog(m, user.accountId, dialogId));
    });
  }
}
