import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { INTEGRATION_STATUSES, INTEGRATION_TYPES, sqlIn, type IntegrationStatus, type IntegrationType } from '../enums';
import { AccountEntity } from './account.entity';

/** An external CRM (Bitrix24 / amoCRM) the account forwards clients, leads and messages to. Soft-deleted. */
@Entity({ name: 'integrations' })
@Check('ck_integrations_type', sqlIn('type', INTEGRATION_TYPES))
@Check('ck_integrations_status', sqlIn('status', INTEGRATION_STATUSES))
export class IntegrationEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_integrations' })
  id: string;

  @Index('idx_integrations_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_integrations_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'type', type: 'text' })
  type: IntegrationType;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'status', type: 'text', default: 'active' })
  status: IntegrationStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  /** Non-secret settings (e.g. Bitrix24 portal host, amoCRM subdomain / client id / redirect URI). */
  @Column({ name: 'settings', type: 'jsonb', default: () => "'{}'" })
  settings: Record<string, unknown>;

  /** AES-256-GCM (SECRETS_KEY) encrypted JSON of the secret settings (webhook URL, client secret, tokens). */
  @Column({ name: 'secrets_encrypted', type: 'text', nullable: true })
  secretsEncrypted: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz' })
  deletedAt: Date | null;
}
