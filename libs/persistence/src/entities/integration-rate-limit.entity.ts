import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { AccountEntity } from './account.entity';
import { IntegrationEntity } from './integration.entity';

/**
 * Forwarding state of one integration shared by every instance of the integrations service: the CRM's leaky bucket
 * (`bucket_level` requests at `bucket_at`), how long nothing may be sent (`blocked_until`: rate limit answers,
 * backoff after `failures` consecutive outages). A worker forwards for an integration only while it holds this row
 * (SELECT … FOR UPDATE SKIP LOCKED). Times are the service's application clock, never the database's.
 */
@Entity({ name: 'integration_rate_limits' })
@Check('ck_integration_rate_limits_failures', '"failures" >= 0')
export class IntegrationRateLimitEntity {
  @ForeignKey(() => IntegrationEntity, { name: 'fk_integration_rate_limits_integration', onDelete: 'CASCADE' })
  @PrimaryColumn({ name: 'integration_id', type: 'uuid', primaryKeyConstraintName: 'pk_integration_rate_limits' })
  integrationId: string;

  @Index('idx_integration_rate_limits_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_integration_rate_limits_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'bucket_level', type: 'double precision', default: 0 })
  bucketLevel: number;

  @Column({ name: 'bucket_at', type: 'timestamptz', default: () => 'now()' })
  bucketAt: Date;

  @Column({ name: 'blocked_until', type: 'timestamptz', default: () => 'now()' })
  blockedUntil: Date;

  @Column({ name: 'failures', type: 'integer', default: 0 })
  failures: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
