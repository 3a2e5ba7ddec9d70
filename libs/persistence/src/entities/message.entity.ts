import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import {
  INBOUND_MESSAGE_STATUSES,
  MESSAGE_DIRECTIONS,
  MESSAGE_KINDS,
  OUTBOUND_MESSAGE_STATUSES,
  sqlIn,
  type MessageDirection,
  type MessageKind,
  type MessageStatus,
} from '../enums';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';
import { DialogEntity } from './dialog.entity';

export interface MessageAttachment {
  kind: string;
  platformFileId?: string | null;
  mimeType?: string | null;
  fileName?: string | null;
  size?: number | null;
  [key: string]: unknown;
}

/**
 * A message of a dialog. Unique on (channel, direction, external id): a redelivered inbound message or status
 * update changes nothing. Outbound messages are inserted `queued` with external_id NULL (NULLs are distinct).
 * deleted_at / edited_at mirror the platform (the row itself is never removed), so this is a plain column.
 */
@Entity({ name: 'messages' })
@Check('ck_messages_direction', sqlIn('direction', MESSAGE_DIRECTIONS))
@Check('ck_messages_kind', sqlIn('kind', MESSAGE_KINDS))
@Check(
  'ck_messages_status',
  `("direction" = 'in' AND ${sqlIn('status', INBOUND_MESSAGE_STATUSES)}) OR ("direction" = 'out' AND ${sqlIn('status', OUTBOUND_MESSAGE_STATUSES)})`,
)
@Unique('uq_messages_channel_direction_external_id', ['channelId', 'direction', 'externalId'])
@Index('idx_messages_dialog_created', ['dialogId', 'createdAt'])
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_messages' })
  id: string;

  @Index('idx_messages_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_messages_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ForeignKey(() => DialogEntity, { name: 'fk_messages_dialog', onDelete: 'CASCADE' })
  @Column({ name: 'dialog_id', type: 'uuid' })
  dialogId: string;

  @ForeignKey(() => ChannelEntity, { name: 'fk_messages_channel', onDelete: 'CASCADE' })
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ name: 'direction', type: 'text' })
  direction: MessageDirection;

  @Column({ name: 'kind', type: 'text', default: 'text' })
  kind: MessageKind;

  @Column({ name: 'text', type: 'text', nullable: true })
  text: string | null;

  @Column({ name: 'attachments', type: 'jsonb', default: () => "'[]'" })
  attachments: MessageAttachment[];

  @Column({ name: 'location', type: 'jsonb', nullable: true })
  location: Record<string, unknown> | null;

  @Column({ name: 'contact', type: 'jsonb', nullable: true })
  contact: Record<string, unknown> | null;

  /** Platform extras (e.g. the Avito listing). */
  @Column({ name: 'context', type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  /** The platform's message id; NULL while an outbound message is queued. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Column({ name: 'reply_to_external_id', type: 'text', nullable: true })
  replyToExternalId: string | null;

  /** in: received; out: queued → sent → delivered → read, or failed (final, with error_code). */
  @Column({ name: 'status', type: 'text' })
  status: MessageStatus;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'sender_external_user_id', type: 'text', nullable: true })
  senderExternalUserId: string | null;

  /** The agent (JWT `sub`) who wrote an outbound message. */
  @Column({ name: 'author_user_id', type: 'uuid', nullable: true })
  authorUserId: string | null;

  /** When the platform says the message was sent (inbound) / when we handed it to the platform (outbound). */
  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
