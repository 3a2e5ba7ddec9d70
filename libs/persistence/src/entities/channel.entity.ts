import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import {
  CHANNEL_HEALTH_STATUSES,
  CHANNEL_STATUSES,
  sqlChannelType,
  sqlIn,
  type ChannelHealthStatus,
  type ChannelStatus,
  type ChannelType,
} from '../enums';
import { AccountEntity } from './account.entity';
import { FunnelStageEntity } from './funnel-stage.entity';
import { FunnelEntity } from './funnel.entity';
import { IntegrationEntity } from './integration.entity';

/**
 * A communication channel (Telegram bot, WhatsApp number, VK community, Avito account, site widget) with its
 * routing rules (DESIGN §7) as real columns. Soft-deleted; the same credentials can be connected again once the
 * old channel is deleted.
 */
@Entity({ name: 'channels' })
@Check('ck_channels_type', sqlChannelType('type'))
@Check('ck_channels_status', sqlIn('status', CHANNEL_STATUSES))
@Check('ck_channels_health_status', sqlIn('health_status', CHANNEL_HEALTH_STATUSES))
@Index('uq_channels_account_type_credential', ['accountId', 'type', 'credentialFingerprint'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
@Unique('uq_channels_public_key', ['publicKey'])
export class ChannelEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_channels' })
  id: string;

  @Index('idx_channels_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_channels_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'type', type: 'text' })
  type: ChannelType;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'status', type: 'text', default: 'inactive' })
  status: ChannelStatus;

  /** Why the channel is in `error` / `inactive` (shown to the user). */
  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'health_status', type: 'text', default: 'unknown' })
  healthStatus: ChannelHealthStatus;

  @Column({ name: 'health_checked_at', type: 'timestamptz', nullable: true })
  healthCheckedAt: Date | null;

  /** Stable upper-snake cause of the last health report (e.g. TELEGRAM_TOKEN_REVOKED). */
  @Column({ name: 'health_cause_code', type: 'text', nullable: true })
  healthCauseCode: string | null;

  /** Human-readable detail of the last health report (never a credential). */
  @Column({ name: 'health_message', type: 'text', nullable: true })
  healthMessage: string | null;

  @ForeignKey(() => IntegrationEntity, { name: 'fk_channels_integration', onDelete: 'SET NULL' })
  @Column({ name: 'integration_id', type: 'uuid', nullable: true })
  integrationId: string | null;

  /**
   * When the channel was linked to its integration (only later events are forwarded). Set by a database trigger
   * whenever integration_id is set or changed (migration IntegrationSync), so no writer can forget it.
   */
  @Column({ name: 'integration_linked_at', type: 'timestamptz', nullable: true })
  integrationLinkedAt: Date | null;

  // --- routing (wizard step 2) ---
  @ForeignKey(() => FunnelEntity, { name: 'fk_channels_funnel', onDelete: 'SET NULL' })
  @Column({ name: 'funnel_id', type: 'uuid', nullable: true })
  funnelId: string | null;

  @ForeignKey(() => FunnelStageEntity, { name: 'fk_channels_stage', onDelete: 'SET NULL' })
  @Column({ name: 'stage_id', type: 'uuid', nullable: true })
  stageId: string | null;

  @Column({ name: 'create_lead_on_first_message', type: 'boolean', default: false })
  createLeadOnFirstMessage: boolean;

  @Column({ name: 'find_existing_lead', type: 'boolean', default: false })
  findExistingLead: boolean;

  @Column({ name: 'create_client_on_first_message', type: 'boolean', default: false })
  createClientOnFirstMessage: boolean;

  @Column({ name: 'auto_match_client', type: 'boolean', default: false })
  autoMatchClient: boolean;

  // --- type settings (wizard step 3) ---
  /** Non-secret settings of the type (VK groupId, WhatsApp phoneNumberId, widget allowedOrigins/title…). */
  @Column({ name: 'settings', type: 'jsonb', default: () => "'{}'" })
  settings: Record<string, unknown>;

  /** AES-256-GCM (SECRETS_KEY) encrypted JSON of the secret settings (bot token, access token, app secret…). */
  @Column({ name: 'secrets_encrypted', type: 'text', nullable: true })
  secretsEncrypted: string | null;

  /** Encrypted secret we generated for the webhook (Telegram secret token, VK secret, Avito URL secret, WA verify token). */
  @Column({ name: 'webhook_secret_encrypted', type: 'text', nullable: true })
  webhookSecretEncrypted: string | null;

  /** Widget only: public id used by the embed snippet. */
  @Column({ name: 'public_key', type: 'text', nullable: true })
  publicKey: string | null;

  /** sha256 of the bot token / VK group id / WhatsApp phone number id / Avito client id; refuses duplicates (409). */
  @Column({ name: 'credential_fingerprint', type: 'text', nullable: true })
  credentialFingerprint: string | null;

  /** Incremented on every change; published with the channel config so connectors can drop stale versions. */
  @Column({ name: 'revision', type: 'integer', default: 1 })
  revision: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt: Date | null;
}
