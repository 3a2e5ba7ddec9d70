import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { MessageEntity } from './message.entity';

/**
 * The `Idempotency-Key` of an agent's reply (POST /dialogs/:id/messages): a repeated request with the key gets the
 * reply the first one created instead of sending a second one to the customer. Lives as long as its message.
 */
@Entity({ name: 'reply_requests' })
export class ReplyRequestEntity {
  @ForeignKey(() => AccountEntity, { name: 'fk_reply_requests_account', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'account_id', type: 'uuid', primaryKeyConstraintName: 'pk_reply_requests' })
  accountId: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'text', primaryKeyConstraintName: 'pk_reply_requests' })
  idempotencyKey: string;

  @Index('idx_reply_requests_message_id')
  @ForeignKey(() => MessageEntity, { name: 'fk_reply_requests_message', onDelete: 'CASCADE' })
  @Column({ name: 'message_id', type: 'uuid' })
  messageId: string;

  /** SHA-256 of the dialog and the body the key was first used with: the same key with another request is refused. */
  @Column({ name: 'fingerprint', type: 'text' })
  fingerprint: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
