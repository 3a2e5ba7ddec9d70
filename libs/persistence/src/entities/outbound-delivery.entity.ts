import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One outbound message in a connector's delivery log (libs/connector-kit): `sending` is written before the platform
 * is called, `done` with the outcome (the MessageStatusData that is published) after; `published_at` once the status
 * is on channels.status.v1. A connector-side log: no foreign keys, rows outlive nothing they point to.
 */
@Entity({ name: 'outbound_deliveries' })
@Check('ck_outbound_deliveries_state', `"state" IN ('sending', 'done')`)
export class OutboundDeliveryEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid', primaryKeyConstraintName: 'pk_outbound_deliveries' })
  accountId: string;

  @PrimaryColumn({ name: 'message_id', type: 'uuid', primaryKeyConstraintName: 'pk_outbound_deliveries' })
  messageId: string;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ name: 'channel_type', type: 'text' })
  channelType: string;

  @Column({ name: 'state', type: 'text' })
  state: 'sending' | 'done';

  @Column({ name: 'attempts', type: 'integer', default: 1 })
  attempts: number;

  @Column({ name: 'outcome', type: 'jsonb', nullable: true })
  outcome: Record<string, unknown> | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Index('idx_outbound_deliveries_created_at')
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
