import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { AccountEntity } from './account.entity';

/**
 * One event of GET /api/v1/events, kept for replay. `id` (bigint: pg returns it as a string) is the SSE `id:` — a
 * durable sequence, so a reconnect to any api instance gets exactly what it missed. `source_id` is the envelope id
 * of the Kafka event it came from (written once however often it is consumed). Pruned after the retention window.
 */
@Entity({ name: 'live_events' })
@Unique('uq_live_events_source_id', ['sourceId'])
@Index('idx_live_events_account_id', ['accountId', 'id'])
export class LiveEventEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'bigint', primaryKeyConstraintName: 'pk_live_events' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_live_events_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'source_id', type: 'uuid' })
  sourceId: string;

  /** SSE `event:` (a CRM event kind, or channel.status). */
  @Column({ name: 'type', type: 'text' })
  type: string;

  @Column({ name: 'data', type: 'jsonb' })
  data: Record<string, unknown>;

  @Index('idx_live_events_created_at')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
