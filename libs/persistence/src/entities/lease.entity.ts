import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A named lease shared by the instances of a service (e.g. `connector:telegram:channel:<id>`): whoever holds it
 * unexpired does the work it names (webhook reconcile, health checks). Taken / renewed with one atomic upsert;
 * an expired lease (its holder died) is taken over. Times are the database's clock.
 */
@Entity({ name: 'leases' })
export class LeaseEntity {
  @PrimaryColumn({ name: 'name', type: 'text', primaryKeyConstraintName: 'pk_leases' })
  name: string;

  @Index('idx_leases_holder')
  @Column({ name: 'holder', type: 'text' })
  holder: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
