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
import { DIALOG_STATUSES, sqlIn, type DialogStatus } from '../enums';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';
import { ClientEntity } from './client.entity';
import { LeadEntity } from './lead.entity';

/** A chat (channel + external chat id). Closing it and receiving a new message starts a new conversation. */
@Entity({ name: 'dialogs' })
@Check('ck_dialogs_status', sqlIn('status', DIALOG_STATUSES))
@Check('ck_dialogs_unread_count', '"unread_count" >= 0')
@Unique('uq_dialogs_channel_external_chat', ['channelId', 'externalChatId'])
@Index('idx_dialogs_account_last_message', ['accountId', 'lastMessageAt'])
export class DialogEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_dialogs' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_dialogs_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ForeignKey(() => ChannelEntity, { name: 'fk_dialogs_channel', onDelete: 'CASCADE' })
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ name: 'external_chat_id', type: 'text' })
  externalChatId: string;

  @Column({ name: 'status', type: 'text', default: 'open' })
  status: DialogStatus;

  @Index('idx_dialogs_client_id')
  @ForeignKey(() => ClientEntity, { name: 'fk_dialogs_client', onDelete: 'SET NULL' })
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId: string | null;

  @Index('idx_dialogs_lead_id')
  @ForeignKey(() => LeadEntity, { name: 'fk_dialogs_lead', onDelete: 'SET NULL' })
  @Column({ name: 'lead_id', type: 'uuid', nullable: true })
  leadId: string | null;

  /** Start of the current conversation (first message of the dialog, or first after it was closed). */
  @Column({ name: 'conversation_started_at', type: 'timestamptz', default: () => 'now()' })
  conversationStartedAt: Date;

  @Column({ name: 'last_message_at', type: 'timestamptz', nullable: true })
  lastMessageAt: Date | null;

  @Column({ name: 'unread_count', type: 'integer', default: 0 })
  unreadCount: number;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** Platform extras of the conversation (the Avito listing `{ item }`), from its inbound messages. */
  @Column({ name: 'context', type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
