import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ChannelTypeRegistry } from '@crm/channel-types';
import { chatKey, createEnvelope, crmEventKey, HEADER_CHANNEL_TYPE, OutboundMessageData, Topics, validateContract, type ChannelType } from '@crm/contracts';
import { DomainError, ErrorCode } from '@crm/domain';
import { enqueueOutbox } from '@crm/outbox';
import { newTimeOrderedId } from '@crm/routing';
import type { AuthUser } from '../../auth/auth-user';
import type { MessageResponse } from '../dialog.dto';
import { MESSAGE_COLUMNS, presentMessage, type MessageRow } from '../dialog.store';
import { replyWindowOpen } from './reply-window';
import type { SendReplyCommand } from './send-reply.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a reply request returns: the reply, and whether an earlier request with the same Idempotency-Key created it. */
export interface SentReply {
  message: MessageResponse;
  replayed: boolean;
}

interface LockedDialog {
  id: string;
  channel_id: string;
  external_chat_id: string;
  channel_type: ChannelType;
  channel_status: string;
  channel_deleted_at: Date | null;
}

/** The request an Idempotency-Key stands for: its dialog and body (a repeat must be the same request). */
function fingerprintOf(command: SendReplyCommand): string {
  const t = command.template;
  // Fields in a fixed order: a repeat that serializes the same template with its keys in another order is the same.
  const template = t ? { name: t.name, language: t.language, components: t.components ?? null } : null;
  const body = { dialogId: command.dialogId, text: command.text ?? null, template };
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/**
 * An agent's reply: stored as an outbound message `queued`, and — in the same transaction, through the outbox — a
 * send command on channels.outbound.v1 (key channelId:externalChatId, so it follows the chat's order) and a
 * message.sent CRM event. The connector reports delivery on channels.status.v1 (ApplyMessageStatusUseCase).
 * With an Idempotency-Key, a repeated request returns the reply the first one created and sends nothing again.
 */
@Injectable()
export class SendReplyUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ChannelTypeRegistry) private readonly registry: ChannelTypeRegistry,
  ) {}

  async execute(user: AuthUser, command: SendReplyCommand): Promise<SentReply> {
    return this.dataSource.transaction(async (m) => {
      const dialog = await this.lockDialog(m, user.accountId, command.dialogId);
      // After the lock: a repeat of a request with the same key waits for the first one and finds its reply.
      const idempotency = command.idempotencyKey ? { key: command.idempotencyKey, fingerprint: fingerprintOf(command) } : undefined;
      const earlier = idempotency ? await this.earlierReply(m, user.accountId, idempotency.key, idempotency.fingerprint) : undefined;
      if (earlier) return { message: presentMessage(earlier), replayed: true };
      if (dialog.channel_deleted_at || dialog.channel_status === 'inactive') throw new DomainError(ErrorCode.CHANNEL_INACTIVE);
      await this.checkReplyAllowed(m, user.accountId, dialog.id, dialog.channel_type, command);
      const row = await this.storeReply(m, user, dialog, command, idempotency);
      return { message: presentMessage(row), replayed: false };
    });
  }

  private async lockDialog(m: EntityManager, accountId: string, dialogId: string): Promise<LockedDialog> {
    const [dialog] = (await m.query(
      `SELECT d.id, d.channel_id, d.external_chat_id, c.type AS channel_type, c.status AS channel_status, c.deleted_at AS channel_deleted_at
         FROM dialogs d JOIN channels c ON c.id = d.channel_id AND c.account_id = d.account_id
        WHERE d.account_id = $1 AND d.id = $2
          FOR UPDATE OF d`,
      [accountId, dialogId],
    )) as LockedDialog[];
    if (!dialog) throw new DomainError(ErrorCode.DIALOG_NOT_FOUND);
    return dialog;
  }

  /** The reply an earlier request with this key created; the key used for another dialog or body → IDEMPOTENCY_KEY_REUSED. */
  private async earlierReply(m: EntityManager, accountId: string, key: string, fingerprint: string): Promise<MessageRow | undefined> {
    const [request] = (await m.query(`SELECT message_id, fingerprint FROM reply_requests WHERE account_id = $1 AND idempotency_key = $2`, [accountId, key])) as Array<{ message_id: string; fingerprint: string }>;
    if (!request) return undefined;
    if (request.fingerprint !== fingerprint) throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    const [row] = (await m.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE account_id = $1 AND id = $2`, [accountId, request.message_id])) as MessageRow[];
    return row;
  }

  /** The outbound message `queued`, its key, and through the outbox the send command and the message.sent CRM event. */
  private async storeReply(
    m: EntityManager,
    user: AuthUser,
    dialog: LockedDialog,
    command: SendReplyCommand,
    idempotency: { key: string; fingerprint: string } | undefined,
  ): Promise<MessageRow> {
    const messageId = newTimeOrderedId();
    const template = command.template ? { name: command.template.name, language: command.template.language, ...(command.template.components ? { components: command.template.components } : {}) } : undefined;
    const data = validateContract(OutboundMessageData, {
      messageId,
      dialogId: dialog.id,
      channelType: dialog.channel_type,
      externalChatId: dialog.external_chat_id,
      text: command.text ?? '',
      ...(template ? { template } : {}),
    });
    const [row] = (await m.query(
      `INSERT INTO messages (id, account_id, dialog_id, channel_id, direction, kind, text, context, status, author_user_id)
       VALUES ($1, $2, $3, $4, 'out', 'text', $5, $6::jsonb, 'queued', $7)
       RETURNING ${MESSAGE_COLUMNS}`,
      [messageId, user.accountId, dialog.id, dialog.channel_id, command.text ?? null, template ? JSON.stringify({ template }) : null, UUID.test(user.userId) ? user.userId : null],
    )) as MessageRow[];
    if (idempotency) await this.claimKey(m, user.accountId, idempotency.key, messageId, idempotency.fingerprint);
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
        // Connectors keep only their type's commands by this header, without decoding the others.
        headers: { [HEADER_CHANNEL_TYPE]: dialog.channel_type },
      },
      {
        accountId: user.accountId,
        topic: Topics.CrmEvents,
        key: crmEventKey(dialog.id),
        envelope: createEnvelope('crm.event', { kind: 'message.sent', dialogId: dialog.id, messageId, status: 'queued' }, scope),
      },
    ]);
    return row;
  }

  /**
   * Records the key with the new reply. A concurrent request with the key in another dialog (the same dialog waits on
   * its lock) holds it already: this one is another request, refused — its transaction, reply included, rolls back.
   */
  private async claimKey(m: EntityManager, accountId: string, key: string, messageId: string, fingerprint: string): Promise<void> {
    const claimed = (await m.query(
      `INSERT INTO reply_requests (account_id, idempotency_key, message_id, fingerprint) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING message_id`,
      [accountId, key, messageId, fingerprint],
    )) as unknown[];
    if (claimed.length === 0) throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }

  /**
   * Text or template, never both; a template only on a type that has templates; free text only inside the type's
   * reply window (a capability of the type — replyWindowHours — measured from the customer's last message).
   */
  private async checkReplyAllowed(m: EntityManager, accountId: string, dialogId: string, channelType: ChannelType, command: SendReplyCommand): Promise<void> {
    if (command.template && command.text !== undefined) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: 'template', constraints: ['send either text or template, not both'] }]);
    }
    const adapter = this.registry.get(channelType);
    if (command.template) {
      if (typeof adapter.listTemplates !== 'function') throw new DomainError(ErrorCode.TEMPLATES_NOT_SUPPORTED);
      return;
    }
    const hours = adapter.descriptor.capabilities.replyWindowHours;
    if (hours === null) return;
    const [last] = (await m.query(
      `SELECT max(COALESCE(sent_at, created_at)) AS last_in, now() AS now FROM messages WHERE account_id = $1 AND dialog_id = $2 AND direction = 'in'`,
      [accountId, dialogId],
    )) as Array<{ last_in: Date | null; now: Date }>;
    if (!replyWindowOpen(hours, last?.last_in ?? null, last?.now ?? new Date())) throw new DomainError(ErrorCode.REPLY_WINDOW_CLOSED, { hours });
  }
}
