import { Controller, Get, Param, ParseIntPipe, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DomainError, ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { StreamAttachmentCommand } from './stream-attachment/stream-attachment.command';
import { StreamAttachmentUseCase } from './stream-attachment/stream-attachment.usecase';


/** Inbound attachments, streamed from the platform to the agent. */
@ApiTags('dialogs')
@ApiBearerAuth()
@Controller('api/v1/dialogs')
export class AttachmentsController {
  constructor(private readonly streamAttachment: StreamAttachmentUseCase) {}

  @Get(':id/messages/:messageId/attachments/:n')
  @ApiOperation({
    operationId: 'downloadAttachment',
    summary: 'Download an attachment of a message',
    description: 'Fetched from the platform (Telegram getFile + file download) and streamed with the message’s mime type and file name. `n` is the 0-based position in `attachments`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'Dialog id', example: '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e' })
  @ApiParam({ name: 'messageId', format: 'uuid', description: 'Message id', example: '3c59dc04-8a2f-4c2d-9b8e-1f0e2d3c4b5a' })
  @ApiParam({ name: 'n', schema: { type: 'integer', minimum: 0 }, description: '0-based position of the attachment', example: 0 })
  @ApiResponse({
    status: 200,
    description: 'The file, with the Content-Type of the attachment (image/jpeg, application/pdf, … — application/octet-stream when unknown) and a Content-Disposition carrying its file name',
    content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrors([401, 404, 503], {
    404: { code: 'ATTACHMENT_NOT_FOUND', message: 'Вложение не найдено', description: 'No such message in this account, no file at that position, or the platform no longer serves it' },
    503: { code: 'PLATFORM_UNAVAILABLE', message: 'Платформа недоступна', description: 'The platform could not be reached' },
  })
  async download(
    @CurrentUser() user: AuthUser,
    // A path id that is not a UUID names no message (the same 404 as another account's); a position that is not an
    // integer names no attachment.
    @Param('id', new IdParamPipe(ErrorCode.MESSAGE_NOT_FOUND)) dialogId: string,
    @Param('messageId', new IdParamPipe(ErrorCode.MESSAGE_NOT_FOUND)) messageId: string,
    @Param('n', new ParseIntPipe({ exceptionFactory: () => new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND) })) n: number,
    @Res() res: Response,
  ): Promise<void> {
    if (n < 0) throw new DomainError(ErrorCode.ATTACHMENT_NOT_FOUND);
    const file = await this.streamAttachment.execute(new StreamAttachmentCommand(user.accountId, dialogId, messageId, n));
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', contentDisposition(file.fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=300');
    if (file.size !== undefined) res.setHeader('Content-Length', String(file.size));
    // A failure mid-stream can only cut the connection (the status is already sent): the client sees a short body.
    await pipeline(file.body, res).catch(() => res.destroy());
  }
}

/** `attachment; filename="<ascii>"; filename*=UTF-8''<encoded>` (RFC 6266 / 5987), safe for any file name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
