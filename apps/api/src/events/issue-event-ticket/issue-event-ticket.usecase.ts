import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { EVENT_TICKET_TTL_MS, ticketHash } from '../event-ticket';
import type { EventTicketResponse } from './event-ticket.dto';

const PRUNE_EVERY_MS = 60_000;

/**
 * A single-use ticket that lets a browser `EventSource` open GET /api/v1/events: valid 60 s (never past the JWT it was
 * issued to), bound to the user, the account and that JWT's `exp` — the stream it opens ends then. Stored in Postgres
 * (as a SHA-256), so any api instance can redeem it.
 */
@Injectable()
export class IssueEventTicketUseCase {
  private lastPrune = 0;

  constructor(private readonly dataSource: DataSource) {}

  async execute(user: AuthUser, tokenExpiresAt: Date): Promise<EventTicketResponse> {
    const ticket = randomBytes(32).toString('base64url');
    const [row] = (await this.dataSource.query(
      `INSERT INTO event_tickets (ticket_hash, account_id, user_id, role, token_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, LEAST(now() + make_interval(secs => $6), $5::timestamptz))
       RETURNING expires_at`,
      [ticketHash(ticket), user.accountId, user.userId, user.role, tokenExpiresAt, EVENT_TICKET_TTL_MS / 1000],
    )) as Array<{ expires_at: Date }>;
    await this.pruneExpired();
    return { ticket, expiresAt: row.expires_at.toISOString() };
  }

  /** Tickets that were never redeemed (maintenance, at most once a minute per instance). */
  private async pruneExpired(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.dataSource.query(`DELETE FROM event_tickets WHERE expires_at < now() - interval '1 minute'`);
  }
}
