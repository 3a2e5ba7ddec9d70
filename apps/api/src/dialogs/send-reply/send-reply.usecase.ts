import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { chatKey, createEnvelope, crmEventKey, OutboundMessageData, Topics, validateContract, type ChannelType } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { enqueueOutbox } from '@crm/outbox';
import { newTimeOrderedId } from '@crm/routing';
import type { AuthUser } from '../../auth/auth-user';
import type { MessageResponse } from '../dialog.dto';
import { MESSAGE_COLUMNS, presentMessage, type MessageRow } from '../dialog.store';
import type { SendReplyCommand } from './send-reply.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An agent's reply: stored as an outbound message `queued`, and — in the same transaction, through the outbox — a
 * send command on channels.outbound.v1 (key channelId:externalChatId, so it follows the chat's order) and a
 * message.sent CRM event. The connector reports delivery on channels.status.v1 (ApplyMessageStatusUseCase).
 */
@Injectable()
export class SendReplyUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, command: SendReplyCommand): Promise<MessageResponse> {
    return this.dataSource.transaction(async (m) => {
      const [dialog] = (await m.query(
        `SELECT d.id, d.channel_id, d.external_chat_id, c.type AS channel_type, c.status AS channel_status, c.deleted_at AS channel_deleted_at
           FROM dialogs d JOIN channels c ON c.id = d.channel_id AND c.account_id = d.account_id
          WHERE d.account_id = $1 AND d.id = $2
            FOR UPDATE OF d`,
        [user.accountId, command.dialogId],
      )) as Array<{ id: string; channel_id: string; external_chat_id: string; channel_type: ChannelType; channel_status: string; channel_deleted_at: Date | null }>;
      if (!dialog) throw new DomainError(ErrorCode.DIALOG_NOT_FOUND);
      if (dialog.channel_deleted_at || dialog.channel_status === 'inactive') throw new DomainError(ErrorCode.CHANNEL_INACTIVE);

      const messageId = newTimeOrderedId();
      const data = validateContract(OutboundMessageData, {
        messageId,
        dialogId: dialog.id,
        channelType: dialog.channel_type,
        externalChatId: dialog.external_chat_id,
        text: command.text,
      });
      const [row] = (await m.query(
        `INSERT INTO messages (id, account_id, dialog_id, channel_id, direction, kind, text, status, author_user_id)
         VALUES ($1, $2, $3, $4, 'out', 'text', $5, 'queued', $6)
         RETURNING ${MESSAGE_COLUMNS}`,
        [messageId, user.accountId, dialog.id, dialog.channel_id, command.text, UUID.test(user.userId) ? user.userId : null],
      )) as MessageRow[];
      await m.query(`UPDATE dialogs SET last_message_at = GREATEST(last_message_at, now()), updated_at = now() WHERE account_id = $1 AND id = $2`, [
        user.accountId,
        dialog.id,
      ]);
      const scope = { accountId: user.accountId, channelId: dialog.channel_id };
      await enqueueOutbox(m, [
        {
          accountId: user.accountId,
          topic: Topics.ChannelsOutbound,
          key: chatKey(dialog.channel_id, dialog.external_chat_id),
          envelope: createEnvelope('message.outbound', data, scope),
        },
        {
          accountId: user.accountId,
          topic: Topics.CrmEvents,
          key: crmEventKey(dialog.id),
          envelope: createEnvelope('crm.event', { kind: 'message.sent', dialogId: dialog.id, messageId, status: 'queued' }, scope),
        },
      ]);
      return presentMessage(row);
    });
  }
}
