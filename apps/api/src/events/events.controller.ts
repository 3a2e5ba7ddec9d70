import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { AcceptsTicket, CurrentUser, TokenExpiry } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { EVENT_TICKET_SECURITY } from '../openapi';
import { EventTicketResponse } from './issue-event-ticket/event-ticket.dto';
import { IssueEventTicketUseCase } from './issue-event-ticket/issue-event-ticket.usecase';
import { parseEventId } from './live-event';
import { EventStreamQueryDto } from './open-event-stream/open-event-stream.dto';
import { OpenEventStreamUseCase, type EventStreamSink } from './open-event-stream/open-event-stream.usecase';

const EXAMPLE = [
  'id: 1042',
  'event: message.received',
  'data: {"channelId":"5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f","occurredAt":"2026-03-01T10:15:30.000Z","kind":"message.received","dialogId":"8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e","messageId":"01958b9e-2f4a-7c3d-9e8f-0a1b2c3d4e5f"}',
  '',
  'id: 1043',
  'event: lead.updated',
  'data: {"channelId":"5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f","occurredAt":"2026-03-01T10:16:02.000Z","kind":"lead.updated","dialogId":"8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e","leadId":"6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b","funnelId":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","stageId":"7c2a5d2f-3e4b-4f6a-9bac-1d2e3f4a5b6c","leadStatus":"won"}',
  '',
  '',
].join('\n');

/** GET /api/v1/events — the account's live event stream; POST /api/v1/events/tickets — how a browser opens it. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
export class EventsController {
  constructor(
    private readonly issueTicket: IssueEventTicketUseCase,
    private readonly openStream: OpenEventStreamUseCase,
  ) {}

  @Post('tickets')
  @ApiOperation({
    operationId: 'createEventTicket',
    summary: 'A ticket to open the event stream from a browser',
    description:
      '`EventSource` cannot send an Authorization header: get a ticket with your token, then open ' +
      '`GET /api/v1/events?ticket=…` (add `&lastEventId=…` when reconnecting). Single use, valid 60 s, bound to you, your ' +
      'account and the expiry of this token — the stream it opens ends when this token expires.',
  })
  @ApiJsonResponse(201, EventTicketResponse, { ticket: 'q3Xl0b9sV8mJ2cR1nT6yZ4wK7eH5uA0pD3fG8iL1oM2', expiresAt: '2026-03-01T10:16:30.000Z' })
  @ApiErrors([401])
  ticket(@CurrentUser() user: AuthUser, @TokenExpiry() tokenExpiresAt: Date): Promise<EventTicketResponse> {
    return this.issueTicket.execute(user, tokenExpiresAt);
  }

  @Get()
  @AcceptsTicket()
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'Live events of the account (Server-Sent Events)',
    description:
      'text/event-stream. Authenticate with the Authorization header or with `?ticket=` (POST /api/v1/events/tickets). ' +
      '`id:` is the event’s place in a durable sequence: reconnect with `?lastEventId=` (or the Last-Event-ID header) to ' +
      'get everything of the account after it — kept at least 10 minutes — exactly once, then live events. ' +
      '`event:` is message.received / message.sent / message.status / message.edited / message.deleted, ' +
      'dialog.opened / dialog.closed, client.created / client.matched, lead.created / lead.linked / lead.updated, or ' +
      'channel.status; `data:` is JSON with channelId, occurredAt and the ids of what changed. Only events of the ' +
      'caller’s account. A comment line every 15 s keeps the connection open; the stream ends when the token behind ' +
      'it (or behind the ticket) expires.',
  })
  @ApiSecurity(EVENT_TICKET_SECURITY)
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Set by EventSource on its own reconnects; ?lastEventId= wins', example: '1042' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An event stream, until the token expires', content: { 'text/event-stream': { example: EXAMPLE } } })
  @ApiErrors([400, 401], { 401: { code: 'UNAUTHORIZED', message: 'Требуется авторизация', description: 'No valid token, or the ticket is unknown, used, expired or outlived its token' } })
  async stream(
    @Req() req: Request & { user?: AuthUser; tokenExpiresAt?: Date },
    @Res() res: Response,
    @Query() query: EventStreamQueryDto,
  ): Promise<void> {
    const header = req.headers['last-event-id'];
    const after = query.lastEventId !== undefined ? BigInt(query.lastEventId) : parseEventId(Array.isArray(header) ? header[0] : header);
    await this.openStream.execute({ ticket: query.ticket, user: req.user, tokenExpiresAt: req.tokenExpiresAt, after }, () => openSse(req, res));
  }
}

function openSse(req: Request, res: Response): EventStreamSink {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  req.socket.setKeepAlive(true);
  req.socket.setNoDelay(true);
  res.write('retry: 3000\n\n');
  return {
    write: (chunk) => void res.write(chunk),
    end: () => res.end(),
    // The client may have gone while its ticket was being redeemed: then 'close' has fired already.
    onClose: (listener) => (res.destroyed || req.socket.destroyed ? listener() : void res.on('close', listener)),
  };
}
