import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';

/** The `random_id` one part of an outbound VK message was sent with (re-deliveries reuse it; unique per channel). */
@Entity({ name: 'vk_send_random_ids' })
@Unique('uq_vk_send_random_ids_random_id', ['channelId', 'randomId'])
export class VkSendRandomIdEntity {
  @ForeignKey(() => ChannelEntity, { name: 'fk_vk_send_random_ids_channel', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'channel_id', type: 'uuid', primaryKeyConstraintName: 'pk_vk_send_random_ids' })
  channelId: string;

  /** Our message id (OutboundMessageData.messageId). */
  @PrimaryColumn({ name: 'message_id', type: 'uuid', primaryKeyConstraintName: 'pk_vk_send_random_ids' })
  messageId: string;

  /** Which messages.send call of the message (long texts take several). */
  @PrimaryColumn({ name: 'part', type: 'integer', primaryKeyConstraintName: 'pk_vk_send_random_ids' })
  part: number;

  @Index('idx_vk_send_random_ids_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_vk_send_random_ids_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'random_id', type: 'integer' })
  randomId: number;

  @Index('idx_vk_send_random_ids_created_at')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
