import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ChannelTypeRegistry } from '@crm/channel-types';
import { LOGGER } from '@crm/service-kit';
import type { AuthUser } from '../../auth/auth-user';
import { SecretBox } from '../../security/secret-box';
import type { DialogResponse } from '../dialog.dto';
import { presentDialog, requireDialog } from '../dialog.store';

/**
 * The agent has read the dialog: its unread count goes back to 0 (new inbound messages count up again). Where the
 * channel type has read receipts (an optional `markRead` of its adapter, WhatsApp), the last inbound message is marked
 * read on the platform too — in the background, best effort: the platform being down never fails the request.
 */
@Injectable()
export class MarkDialogReadUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
    private readonly secrets: SecretBox,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(user: AuthUser, dialogId: string): Promise<DialogResponse> {
    const [, changed] = (await this.dataSource.query(
      `UPDATE dialogs SET unread_count = 0, updated_at = now() WHERE account_id = $1 AND id = $2 AND unread_count <> 0`,
      [user.accountId, dialogId],
    )) as [unknown[], number];
    const dialog = await requireDialog(this.dataSource, user.accountId, dialogId);
    if (changed > 0) void this.sendReadReceipt(user.accountId, dialogId);
    return presentDialog(dialog);
  }

  private async sendReadReceipt(accountId: string, dialogId: string): Promise<void> {
    try {
      const [row] = (await this.dataSource.query(
        `SELECT c.type, c.settings, c.secrets_encrypted, m.external_id, d.external_chat_id
           FROM dialogs d
           JOIN channels c ON c.id = d.channel_id AND c.account_id = d.account_id AND c.deleted_at IS NULL
           JOIN LATERAL (SELECT external_id FROM messages
                          WHERE account_id = d.account_id AND dialog_id = d.id AND direction = 'in' AND external_id IS NOT NULL
                          ORDER BY created_at DESC LIMIT 1) m ON true
          WHERE d.account_id = $1 AND d.id = $2`,
        [accountId, dialogId],
      )) as Array<{ type: string; settings: Record<string, unknown>; secrets_encrypted: string | null; external_id: string; external_chat_id: string }>;
      if (!row) return;
      const adapter = this.registry.get(row.type);
      if (typeof adapter.markRead !== 'function') return;
      await adapter.markRead({ ...row.settings, ...this.secrets.decryptJson(row.secrets_encrypted) }, row.external_id, { externalChatId: row.external_chat_id });
    } catch (err) {
      this.logger.warn({ dialogId, err: err instanceof Error ? err.message : String(err) }, 'read receipt not sent');
    }
  }
}
