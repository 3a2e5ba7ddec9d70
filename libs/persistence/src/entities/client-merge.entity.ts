import { Check, Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AccountEntity } from './account.entity';

/**
 * One merge of a client into another (POST /clients/:id/merge): the merged client's row is gone, its identities,
 * dialogs and leads belong to `intoClientId`. No foreign keys on the client ids: the history outlives both rows.
 */
@Entity({ name: 'client_merges' })
@Unique('uq_client_merges_merged_client', ['mergedClientId'])
@Check('ck_client_merges_not_itself', `"merged_client_id" <> "into_client_id"`)
@Index('idx_client_merges_account_into', ['accountId', 'intoClientId'])
export class ClientMergeEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_client_merges' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_client_merges_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'merged_client_id', type: 'uuid' })
  mergedClientId: string;

  @Column({ name: 'into_client_id', type: 'uuid' })
  intoClientId: string;

  @Column({ name: 'merged_at', type: 'timestamptz', default: () => 'now()' })
  mergedAt: Date;

  /** The JWT `sub` of the admin who merged. */
  @Column({ name: 'user_id', type: 'text' })
  userId: string;
}
