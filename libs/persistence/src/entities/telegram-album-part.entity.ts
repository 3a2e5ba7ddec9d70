import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';

/**
 * One part of a Telegram album (media_group_id) that connector-telegram acknowledged to Telegram and holds until the
 * album is complete; `message` is the part's normalized InboundMessageData. Deleted when the combined message is
 * published.
 */
@Entity({ name: 'telegram_album_parts' })
export class TelegramAlbumPartEntity {
  @ForeignKey(() => ChannelEntity, { name: 'fk_telegram_album_parts_channel', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'channel_id', type: 'uuid', primaryKeyConstraintName: 'pk_telegram_album_parts' })
  channelId: string;

  @PrimaryColumn({ name: 'media_group_id', type: 'text', primaryKeyConstraintName: 'pk_telegram_album_parts' })
  mediaGroupId: string;

  @PrimaryColumn({ name: 'external_message_id', type: 'text', primaryKeyConstraintName: 'pk_telegram_album_parts' })
  externalMessageId: string;

  @Index('idx_telegram_album_parts_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_telegram_album_parts_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'external_chat_id', type: 'text' })
  externalChatId: string;

  @Column({ name: 'message', type: 'jsonb' })
  message: Record<string, unknown>;

  @Index('idx_telegram_album_parts_received_at')
  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
