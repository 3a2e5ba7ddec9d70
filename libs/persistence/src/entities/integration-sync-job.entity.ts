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
import { SYNC_ENTITY_TYPES, SYNC_STATES, sqlIn, type SyncEntityType, type SyncState } from '../enums';
import { AccountEntity } from './account.entity';
import { IntegrationEntity } from './integration.entity';

/**
 * Per-record sync state of a client / lead / message towards one integration: retries with backoff
 * (attempts, next_attempt_at), dead letters (state `dead`) and replay. Unique per (integration, entity, operation).
 * `operation` is free text chosen by the integrations service (e.g. `upsert`, `note`).
 */
@Entity({ name: 'integration_sync_jobs' })
@Check('ck_integration_sync_jobs_entity_type', sqlIn('entity_type', SYNC_ENTITY_TYPES))
@Check('ck_integration_sync_jobs_state', sqlIn('state', SYNC_STATES))
@Check('ck_integration_sync_jobs_attempts', '"attempts" >= 0')
@Unique('uq_integration_sync_jobs_entity_operation', ['integrationId', 'entityType', 'entityId', 'operation'])
@Index('idx_integration_sync_jobs_state_next_attempt', ['state', 'nextAttemptAt'])
@Index('idx_integration_sync_jobs_entity', ['entityType', 'entityId'])
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

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
