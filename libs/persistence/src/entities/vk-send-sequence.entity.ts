import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';

/** The last messages.send `random_id` handed out for a VK channel (a 32-bit counter that never repeats). */
@Entity({ name: 'vk_send_sequences' })
@Check('ck_vk_send_sequences_last_random_id', '"last_random_id" > 0')
export class VkSendSequenceEntity {
  @ForeignKey(() => ChannelEntity, { name: 'fk_vk_send_sequences_channel', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'channel_id', type: 'uuid', primaryKeyConstraintName: 'pk_vk_send_sequences' })
  channelId: string;

  @Index('idx_vk_send_sequences_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_vk_send_sequences_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'last_random_id', type: 'integer' })
  lastRandomId: number;
}
