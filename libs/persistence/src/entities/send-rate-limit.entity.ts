import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A send budget shared by every instance (a connector's per-channel limit, e.g. `telegram:<channelId>`) as a GCRA
 * theoretical arrival time: `next_at` moves by 1/rate per reserved send; a send may go at `next_at − burst/rate`.
 * Times are the database's clock.
 */
@Entity({ name: 'send_rate_limits' })
export class SendRateLimitEntity {
  @PrimaryColumn({ name: 'name', type: 'text', primaryKeyConstraintName: 'pk_send_rate_limits' })
  name: string;

  @Column({ name: 'next_at', type: 'timestamptz' })
  nextAt: Date;
}
