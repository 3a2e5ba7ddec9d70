import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { AccountEntity } from './account.entity';

/** A customer of the account. Matched by phone (E.164) or through its channel identities. */
@Entity({ name: 'clients' })
@Index('idx_clients_account_phone', ['accountId', 'phoneE164'])
export class ClientEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id', primaryKeyConstraintName: 'pk_clients' })
  id: string;

  @ForeignKey(() => AccountEntity, { name: 'fk_clients_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  /** Normalized E.164, e.g. +79001234567. */
  @Column({ name: 'phone_e164', type: 'text', nullable: true })
  phoneE164: string | null;

  /** The phone came from the platform as the person's own (DESIGN §7.2); only a verified phone matches a sender. */
  @Column({ name: 'phone_verified', type: 'boolean', default: false })
  phoneVerified: boolean;

  @Column({ name: 'email', type: 'text', nullable: true })
  email: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
