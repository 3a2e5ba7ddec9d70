import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiErrors } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { ListQueryDto } from '../http/pagination';
import { CloseDialogUseCase } from './close-dialog/close-dialog.usecase';
import { DialogListResponse, DialogResponse, MessageListResponse, MessageResponse } from './dialog.dto';
import { GetDialogUseCase } from './get-dialog/get-dialog.usecase';
import { ListDialogsQueryDto } from './list-dialogs/list-dialogs.dto';
import { ListDialogsUseCase } from './list-dialogs/list-dialogs.usecase';
import { ListMessagesUseCase } from './list-messages/list-messages.usecase';
import { MarkDialogReadUseCase } from './mark-dialog-read/mark-dialog-read.usecase';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, parseIdempotencyKey } from './send-reply/idempotency-key';
import { SendReplyCommand, SendReplyDto } from './send-reply/send-reply.dto';
import { SendReplyUseCase } from './send-reply/send-reply.usecase';

const DialogId = new IdParamPipe(ErrorCode.DIALOG_NOT_FOUND);
const NOT_FOUND = { 404: { code: 'DIALOG_NOT_FOUND', message: 'Диалог не найден', description: 'No such dialog in this account' } };
const ID_PARAM = { name: 'id', format: 'uuid', description: 'Dialog id', example: '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e' };

/** Dialogs of the account's channels: read, reply, close, mark read. Agents and admins alike. */
@ApiTags('dialogs')
@ApiBearerAuth()
@Controller('api/v1/dialogs')
export class DialogsController {
  constructor(
    private readonly listDialogs: ListDialogsUseCase,
    private readonly getDialog: GetDialogUseCase,
    private readonly listMessages: ListMessagesUseCase,
    private readonly sendReply: SendReplyUseCase,
    private readonly closeDialog: CloseDialogUseCase,
    private readonly markRead: MarkDialogReadUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listDialogs', summary: 'Dialogs, most recent activity first', description: 'Filter by channel and status; `?limit=&cursor=` pagination.' })
  @ApiOkResponse({ type: DialogListResponse })
  @ApiErrors([400, 401])
  list(@CurrentUser() user: AuthUser, @Query() query: ListDialogsQueryDto): Promise<DialogListResponse> {
    return this.listDialogs.execute(user, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getDialog', summary: 'One dialog' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DialogResponse })
  @ApiErrors([401, 404], NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @Param('id', DialogId) id: string): Promise<DialogResponse> {
    return this.getDialog.execute(user, id);
  }

  @Get(':id/messages')
  @ApiOperation({ operationId: 'listDialogMessages', summary: 'Messages of the dialog, newest first', description: 'Edited messages carry their earlier versions in `revisions`.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: MessageListResponse })
  @ApiErrors([400, 401, 404], NOT_FOUND)
  messages(@CurrentUser() user: AuthUser, @Param('id', DialogId) id: string, @Query() query: ListQueryDto): Promise<MessageListResponse> {
    return this.listMessages.execute(user, id, query);
  }

  @Post(':id/messages')
  @ApiOperation({
    operationId: 'sendDialogReply',
    summary: 'Reply in the dialog',
    description:
      'Stored as `queued` and sent out through the channel; its status then moves forward (sent → delivered → read, or failed with errorCode). ' +
      'With an `Idempotency-Key`, repeating the request (after a timeout, a lost answer, a double click) returns the reply the first one created — with its current status and `Idempotent-Replayed: true` — and sends nothing again.',
  })
  @ApiParam(ID_PARAM)
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: 'Any 1–255 visible ASCII characters unique per reply (a UUID), kept as long as the reply. The same key with another dialog or body → 422 IDEMPOTENCY_KEY_REUSED.',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: '5b0d9a7e-3f41-4c2e-9a43-2f8e51c0a7d1' },
  })
  @ApiCreatedResponse({
    type: MessageResponse,
    headers: { [IDEMPOTENT_REPLAYED_HEADER]: { description: '`true` when this is the reply an earlier request with the same Idempotency-Key created', schema: { type: 'string', enum: ['true'] } } },
  })
  @ApiErrors([400, 401, 404, 409, 422], {
    ...NOT_FOUND,
    409: { code: 'CHANNEL_INACTIVE', message: 'Канал отключён', description: 'The dialog’s channel is inactive or deleted' },
    422: {
      code: 'REPLY_WINDOW_CLOSED',
      message: 'Окно ответа закрыто',
      description: 'REPLY_WINDOW_CLOSED: outside the type’s reply window (WhatsApp: 24 h) only a template may be sent; IDEMPOTENCY_KEY_REUSED: the key was used for another reply',
    },
  })
  async reply(
    @CurrentUser() user: AuthUser,
    @Param('id', DialogId) id: string,
    @Body() body: SendReplyDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponse> {
    const { message, replayed } = await this.sendReply.execute(user, new SendReplyCommand(id, body.text, body.template, parseIdempotencyKey(idempotencyKey)));
    if (replayed) res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return message;
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({ operationId: 'closeDialog', summary: 'Close the conversation', description: 'Idempotent. The customer’s next message reopens the dialog as a new conversation.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DialogResponse })
  @ApiErrors([401, 404], NOT_FOUND)
  close(@CurrentUser() user: AuthUser, @Param('id', DialogId) id: string): Promise<DialogResponse> {
    return this.closeDialog.execute(user, id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ operationId: 'markDialogRead', summary: 'Mark the dialog read', description: 'Resets unreadCount to 0.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DialogResponse })
  @ApiErrors([401, 404], NOT_FOUND)
  read(@CurrentUser() user: AuthUser, @Param('id', DialogId) id: string): Promise<DialogResponse> {
    return this.markRead.execute(user, id);
  }
}
