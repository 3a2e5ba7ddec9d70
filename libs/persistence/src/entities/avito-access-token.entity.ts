import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';

/** The shared access token of an Avito channel (encrypted with SECRETS_KEY), written by connector-avito. */
@Entity({ name: 'avito_access_tokens' })
export class AvitoAccessTokenEntity {
  @ForeignKey(() => ChannelEntity, { name: 'fk_avito_access_tokens_channel', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'channel_id', type: 'uuid', primaryKeyConstraintName: 'pk_avito_access_tokens' })
  channelId: string;

  @Index('idx_avito_access_tokens_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_avito_access_tokens_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'token_ciphertext', type: 'text' })
  tokenCiphertext: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
