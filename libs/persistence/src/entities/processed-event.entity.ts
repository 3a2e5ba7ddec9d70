import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * Idempotent consumers: insert (consumer, event id) in the same transaction as the effect;
 * a 23505 on `pk_processed_events` means the event was already handled.
 */
@Entity({ name: 'processed_events' })
export class ProcessedEventEntity {
  @PrimaryColumn({ name: 'consumer', type: 'text', primaryKeyConstraintName: 'pk_processed_events' })
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'text', primaryKeyConstraintName: 'pk_processed_events' })
  eventId: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
