import {
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AccountEntity } from './account.entity';
import { FunnelEntity } from './funnel.entity';

/** A stage of a funnel, ordered by position. Soft-deletable like its funnel. */
@Entity({ name: 'funnel_stages' })
@Index('idx_funnel_stages_funnel_position', ['funnelId', 'position'])
export class FunnelStageEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_funnel_stages' })
  id: string;

  @Index('idx_funnel_stages_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_funnel_stages_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ForeignKey(() => FunnelEntity, { name: 'fk_funnel_stages_funnel', onDelete: 'CASCADE' })
  @Column({ name: 'funnel_id', type: 'uuid' })
  funnelId: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'position', type: 'integer', default: 0 })
  position: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt: Date | null;
}
