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
import { CLIENT_MATCH_RULES, sqlChannelType, sqlIn, type ChannelType, type ClientMatchRule } from '../enums';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';
import { ClientEntity } from './client.entity';

/** A platform user (channel + external user id) linked to a client. Unique per (channel, external user). */
@Entity({ name: 'client_identities' })
@Check('ck_client_identities_channel_type', sqlChannelType('channel_type'))
@Check('ck_client_identities_match_rule', sqlIn('match_rule', CLIENT_MATCH_RULES))
@Unique('uq_client_identities_channel_external_user', ['channelId', 'externalUserId'])
// (account_id, channel_type, lower(username)) — an expression index, created by the migration only.
@Index('idx_client_identities_account_type_username', { synchronize: false })
// Possible duplicates of a client (GET /clients/:id): other identities of the account with the same phone.
@Index('idx_client_identities_account_phone', ['accountId', 'phoneE164'])
export class ClientIdentityEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_client_identities' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_client_identities_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Index('idx_client_identities_client_id')
  @ForeignKey(() => ClientEntity, { name: 'fk_client_identities_client', onDelete: 'CASCADE' })
  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @ForeignKey(() => ChannelEntity, { name: 'fk_client_identities_channel', onDelete: 'CASCADE' })
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ name: 'channel_type', type: 'text' })
  channelType: ChannelType;

  @Column({ name: 'external_user_id', type: 'text' })
  externalUserId: string;

  @Column({ name: 'username', type: 'text', nullable: true })
  username: string | null;

  @Column({ name: 'phone_e164', type: 'text', nullable: true })
  phoneE164: string | null;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName: string | null;

  /** Which routing rule linked this identity to the client. */
  @Column({ name: 'match_rule', type: 'text' })
  matchRule: ClientMatchRule;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
