import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AccountEntity } from './account.entity';
import type { MessageAttachment } from './message.entity';
import { MessageEntity } from './message.entity';

/** The previous content of a message, one row per platform edit; unique per (message, edited_at). */
@Entity({ name: 'message_revisions' })
@Unique('uq_message_revisions_message_edited_at', ['messageId', 'editedAt'])
export class MessageRevisionEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_message_revisions' })
  id: string;

  @Index('idx_message_revisions_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_message_revisions_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ForeignKey(() => MessageEntity, { name: 'fk_message_revisions_message', onDelete: 'CASCADE' })
  @Column({ name: 'message_id', type: 'uuid' })
  messageId: string;

  @Column({ name: 'text', type: 'text', nullable: true })
  text: string | null;

  @Column({ name: 'attachments', type: 'jsonb', default: () => "'[]'" })
  attachments: MessageAttachment[];

  @Column({ name: 'edited_at', type: 'timestamptz' })
  editedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
