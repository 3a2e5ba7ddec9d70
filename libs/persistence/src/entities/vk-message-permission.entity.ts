import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';

/**
 * Whether a VK community may write to a user, as message_allow / message_deny (and a later message of the user) said;
 * no row = never said (VK decides). `user_id` is bigint (pg returns it as a string).
 */
@Entity({ name: 'vk_message_permissions' })
export class VkMessagePermissionEntity {
  @ForeignKey(() => ChannelEntity, { name: 'fk_vk_message_permissions_channel', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'channel_id', type: 'uuid', primaryKeyConstraintName: 'pk_vk_message_permissions' })
  channelId: string;

  @PrimaryColumn({ name: 'user_id', type: 'bigint', primaryKeyConstraintName: 'pk_vk_message_permissions' })
  userId: string;

  @Index('idx_vk_message_permissions_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_vk_message_permissions_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'allowed', type: 'boolean' })
  allowed: boolean;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;
}
