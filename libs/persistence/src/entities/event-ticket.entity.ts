import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { sqlIn, USER_ROLES, type UserRole } from '../enums';
import { AccountEntity } from './account.entity';

/**
 * A single-use ticket for opening GET /api/v1/events from a browser `EventSource` (which cannot send headers). Only
 * the SHA-256 of the ticket is stored; redeeming deletes the row. Bound to the user, the account and the expiry of
 * the JWT that asked for it (the stream it opens ends then).
 */
@Entity({ name: 'event_tickets' })
@Check('ck_event_tickets_role', sqlIn('role', USER_ROLES))
export class EventTicketEntity {
  @PrimaryColumn({ name: 'ticket_hash', type: 'text', primaryKeyConstraintName: 'pk_event_tickets' })
  ticketHash: string;

  @Index('idx_event_tickets_account_id')
  @ForeignKey(() => AccountEntity, { name: 'fk_event_tickets_account', onDelete: 'CASCADE' })
  @Column({ name: 'account_id', type: 'uuid' })
  accountId: string;

  @Column({ name: 'user_id', type: 'text' })
  userId: string;

  @Column({ name: 'role', type: 'text' })
  role: UserRole;

  /** `exp` of the JWT the ticket was issued to. */
  @Column({ name: 'token_expires_at', type: 'timestamptz' })
  tokenExpiresAt: Date;

  @Index('idx_event_tickets_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
