import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import type { AuthUser } from '../../auth/auth-user';
import { LiveEventHub, type LiveStream } from '../live-event.hub';
import { RedeemEventTicketUseCase, type TicketSession } from '../redeem-event-ticket/redeem-event-ticket.usecase';

/** setTimeout cannot wait longer than this; longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface OpenEventStreamCommand {
  /** A ticket from POST /events/tickets (the credential when given)… */
  ticket?: string;
  /** …or the bearer token's user and its `exp`. */
  user?: AuthUser;
  tokenExpiresAt?: Date;
  /** Replay everything of the account after this id first. */
  after?: bigint;
}

/** The HTTP side of one stream: written to, ended, and telling when the client went away. */
export interface EventStreamSink extends LiveStream {
  onClose(listener: () => void): void;
}

/** Calls `fn` at `at` (at once if that has passed); returns the cancel. */
function callAt(at: Date, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const ms = at.getTime() - Date.now();
    if (ms <= 0) return fn();
    timer = setTimeout(arm, Math.min(ms, MAX_TIMER_MS));
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * GET /api/v1/events: authenticates by ticket or bearer token (before anything is written, so a refusal is a plain
 * 401), then opens the stream — replay after `after`, then live — and ends it when the JWT behind it expires.
 */
@Injectable()
export class OpenEventStreamUseCase {
  constructor(
    private readonly hub: LiveEventHub,
    private readonly redeemTicket: RedeemEventTicketUseCase,
  ) {}

  async execute(command: OpenEventStreamCommand, open: () => EventStreamSink): Promise<void> {
    const session = await this.session(command);
    const sink = open();
    const attachment = this.hub.attach(session.user.accountId, sink, command.after);
    const cancelExpiry = callAt(session.tokenExpiresAt, () => sink.end());
    sink.onClose(() => {
      attachment.detach();
      cancelExpiry();
    });
    attachment.ready.catch(() => sink.end());
  }

  private async session(command: OpenEventStreamCommand): Promise<TicketSession> {
    if (command.ticket !== undefined) return this.redeemTicket.execute(command.ticket);
    if (!command.user || !command.tokenExpiresAt) throw new DomainError(ErrorCode.UNAUTHORIZED);
    return { user: command.user, tokenExpiresAt: command.tokenExpiresAt };
  }
}
