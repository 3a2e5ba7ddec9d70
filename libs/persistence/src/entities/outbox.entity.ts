import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { AccountEntity } from './account.entity';

/**
 * Transactional outbox: rows written in the same transaction as the state change, published to Kafka in id order
 * by a relay, which then sets published_at. `topic` is the base name (the relay adds KAFKA_TOPIC_PREFIX).
 * `id` is a bigint: pg returns it as a string.
 */
@Entity({ name: 'outbox' })
@Index('idx_outbox_unpublished', ['id'], { where: '"published_at" IS NULL' })
export class OutboxEntity {
  @PrimaryGeneratedColumn('increment', { name: 'id', type: 'bigint', primaryKeyConstraintName: 'pk_outbox' })
  id: string;

  @Index('idx_outbox_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_outbox_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'topic', type: 'text' })
  topic: string;

  @Column({ name: 'message_key', type: 'text' })
  messageKey: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  /** The Kafka value (the event envelope); NULL = tombstone. */
  @Column({ name: 'payload', type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  @Column({ name: 'headers', type: 'jsonb', default: () => "'{}'" })
  headers: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
