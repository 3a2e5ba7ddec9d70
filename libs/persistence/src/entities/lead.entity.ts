import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { LEAD_STATUSES, sqlIn, type LeadStatus } from '../enums';
import { AccountEntity } from './account.entity';
import { ChannelEntity } from './channel.entity';
import { ClientEntity } from './client.entity';
import { DialogEntity } from './dialog.entity';
import { FunnelStageEntity } from './funnel-stage.entity';
import { FunnelEntity } from './funnel.entity';

/**
 * A sales lead, created by routing in the channel's funnel/stage (or unsorted: no funnel). Its channel and dialog
 * are where it came from; they are never hard-deleted while the lead exists (NO ACTION), except with the account.
 */
@Entity({ name: 'leads' })
@Check('ck_leads_status', sqlIn('status', LEAD_STATUSES))
@Index('idx_leads_account_client_status', ['accountId', 'clientId', 'status'])
export class LeadEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_leads' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_leads_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Index('idx_leads_client_id')
  @ForeignKey(() => ClientEntity, { name: 'fk_leads_client', onDelete: 'SET NULL' })
  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId: string | null;

  @ForeignKey(() => FunnelEntity, { name: 'fk_leads_funnel', onDelete: 'SET NULL' })
  @Column({ name: 'funnel_id', type: 'uuid', nullable: true })
  funnelId: string | null;

  @ForeignKey(() => FunnelStageEntity, { name: 'fk_leads_stage', onDelete: 'SET NULL' })
  @Column({ name: 'stage_id', type: 'uuid', nullable: true })
  stageId: string | null;

  @Index('idx_leads_channel_id')
  @ForeignKey(() => ChannelEntity, { name: 'fk_leads_channel', onDelete: 'NO ACTION' })
  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Index('idx_leads_dialog_id')
  @ForeignKey(() => DialogEntity, { name: 'fk_leads_dialog', onDelete: 'NO ACTION' })
  @Column({ name: 'dialog_id', type: 'uuid' })
  dialogId: string;

  @Column({ name: 'title', type: 'text' })
  title: string;

  @Column({ name: 'status', type: 'text', default: 'open' })
  status: LeadStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
