import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Generated,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { SYNC_ENTITY_TYPES, SYNC_STATES, sqlIn, type SyncEntityType, type SyncState } from '../enums';
import { AccountEntity } from './account.entity';
import { IntegrationEntity } from './integration.entity';

/**
 * Per-record sync state of a client / lead / message towards one integration (DESIGN §7a): `pending` from the moment
 * its event is consumed (due at `next_attempt_at`, application clock), then `synced` with the external id, or
 * `failed` with a stable error code after bounded attempts (replay re-queues it). Unique per (integration, entity,
 * operation); `operation` is chosen by the integrations service. Records go out in `seq` order per lead, after their
 * `parent` (a lead's contact record, a comment's lead record).
 */
@Entity({ name: 'integration_sync_jobs' })
@Check('ck_integration_sync_jobs_entity_type', sqlIn('entity_type', SYNC_ENTITY_TYPES))
@Check('ck_integration_sync_jobs_state', sqlIn('state', SYNC_STATES))
@Check('ck_integration_sync_jobs_attempts', '"attempts" >= 0')
@Unique('uq_integration_sync_jobs_entity_operation', ['integrationId', 'entityType', 'entityId', 'operation'])
@Index('idx_integration_sync_jobs_state_next_attempt', ['state', 'nextAttemptAt'])
@Index('idx_integration_sync_jobs_entity', ['entityType', 'entityId'])
@Index('idx_integration_sync_jobs_integration_state_seq', ['integrationId', 'state', 'seq'])
@Index('idx_integration_sync_jobs_integration_lead_seq', ['integrationId', 'leadId', 'seq'])
export class IntegrationSyncJobEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_integration_sync_jobs' })
  id: string;

  @Index('idx_integration_sync_jobs_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_integration_sync_jobs_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @ForeignKey(() => IntegrationEntity, { name: 'fk_integration_sync_jobs_integration', onDelete: 'CASCADE' })
  @Column({ name: 'integration_id', type: 'uuid' })
  integrationId: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: SyncEntityType;

  /** id of the client / lead / message (no FK: polymorphic). */
  @Column({ name: 'entity_id', type: 'uuid' })
  entityId: string;

  @Column({ name: 'operation', type: 'text' })
  operation: string;

  @Column({ name: 'state', type: 'text', default: 'pending' })
  state: SyncState;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  /** The record's id in the external CRM once synced. */
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  /** Stable error code of the last failed attempt (e.g. BITRIX24_INVALID_ARG_VALUE). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** Order in which records were recorded (a lead's contact, then the lead, then its comments). */
  @Generated('increment')
  @Column({ name: 'seq', type: 'bigint' })
  seq: string;

  /** The lead the record belongs to (message: the lead it is a comment on; lead: itself). */
  @Column({ name: 'lead_id', type: 'uuid', nullable: true })
  leadId: string | null;

  /** The dialog whose event created the record (key of its sync events on crm.events.v1). */
  @Column({ name: 'dialog_id', type: 'uuid', nullable: true })
  dialogId: string | null;

  @Column({ name: 'channel_id', type: 'uuid', nullable: true })
  channelId: string | null;

  /** The record that must be synced first: a lead's contact record, a comment's lead record. */
  @Index('idx_integration_sync_jobs_parent_id')
  @ForeignKey(() => IntegrationSyncJobEntity, { name: 'fk_integration_sync_jobs_parent', onDelete: 'CASCADE' })
  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  /** An attempt may have created the record in the CRM (unclear failure): look it up before creating it. */
  @Column({ name: 'needs_lookup', type: 'boolean', default: false })
  needsLookup: boolean;

  /** Client records: the verified phone was already searched in the CRM without a match. */
  @Column({ name: 'phone_searched', type: 'boolean', default: false })
  phoneSearched: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
