import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import type { AuthUser, Role } from '../../auth/auth-user';
import { EVENT_TICKET_FORMAT, ticketHash } from '../event-ticket';

/** Who a redeemed ticket speaks for, and until when (the `exp` of the JWT it was issued to). */
export interface TicketSession {
  user: AuthUser;
  tokenExpiresAt: Date;
}

/**
 * Redeems a ticket of POST /api/v1/events/tickets: atomically (one DELETE … RETURNING, so of two concurrent uses on
 * any instances exactly one wins), once, within its 60 s and before its JWT expired. Anything else → 401.
 */
@Injectable()
export class RedeemEventTicketUseCase {
  constructor(private readonly dataSource: DataSource) {}

  async execute(ticket: string): Promise<TicketSession> {
    if (!EVENT_TICKET_FORMAT.test(ticket)) throw new DomainError(ErrorCode.UNAUTHORIZED);
    const [[row]] = (await this.dataSource.query(
      `DELETE FROM event_tickets
        WHERE ticket_hash = $1 AND expires_at > now() AND token_expires_at > now()
        RETURNING account_id, user_id, role, token_expires_at`,
      [ticketHash(ticket)],
    )) as [Array<{ account_id: string; user_id: string; role: Role; token_expires_at: Date }>, number];
    if (!row) throw new DomainError(ErrorCode.UNAUTHORIZED);
    return { user: { userId: row.user_id, accountId: row.account_id, role: row.role }, tokenExpiresAt: row.token_expires_at };
  }
}
