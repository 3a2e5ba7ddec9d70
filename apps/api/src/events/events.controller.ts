import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors } from '../http/api-errors.decorator';
import { LiveEventHub } from './live-event.hub';

const EXAMPLE = [
  'id: 0b3f9c1e-6a0d-4c52-9f0e-1b6f3f1d2a11',
  'event: message.received',
  'data: {"channelId":"5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f","occurredAt":"2026-03-01T10:15:30.000Z","kind":"message.received","dialogId":"8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e","messageId":"01958b9e-2f4a-7c3d-9e8f-0a1b2c3d4e5f"}',
  '',
  '',
].join('\n');

/** GET /api/v1/events — the account's live event stream. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly hub: LiveEventHub) {}

  @Get()
  @ApiOperation({
    summary: 'Live events of the account (Server-Sent Events)',
    description:
      'text/event-stream. `event:` is message.received / message.sent / message.status / message.edited / message.deleted, ' +
      'dialog.opened / dialog.closed, client.created / client.matched, lead.created / lead.linked, or channel.status; ' +
      '`data:` is JSON with channelId, occurredAt and the ids of what changed. Only events of the caller’s account. ' +
      'A comment line every 15 s keeps the connection open.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless event stream', content: { 'text/event-stream': { example: EXAMPLE } } })
  @ApiErrors([401])
  stream(@CurrentUser() user: AuthUser, @Req() req: Request, @Res() res: Response): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setKeepAlive(true);
    req.socket.setNoDelay(true);
    res.write('retry: 3000\n\n');
    const detach = this.hub.attach(user.accountId, { write: (chunk) => res.write(chunk), end: () => res.end() });
    res.on('close', detach);
  }
}
