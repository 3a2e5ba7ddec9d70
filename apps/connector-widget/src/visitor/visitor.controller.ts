import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { localeFrom } from '@crm/domain';
import { HistoryPage } from '../conversation/visitor-conversation.port';
import { WidgetMessageView } from '../conversation/widget-message.view';
import { ReadHistoryDto } from './read-history/read-history.dto';
import { ReadHistoryUseCase } from './read-history/read-history.usecase';
import { SendMessageDto } from './send-message/send-message.dto';
import { SendMessageUseCase } from './send-message/send-message.usecase';
import { StartSessionDto } from './start-session/start-session.dto';
import { StartSessionUseCase, WidgetSession } from './start-session/start-session.usecase';

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match ? match[1] : undefined;
}

/**
 * The public visitor API of a widget channel, addressed by the channel's public key (the embed snippet's data-key).
 * Session calls need the page's Origin; the others carry the visitor token as a bearer token.
 */
@Controller('widget/v1/:key')
export class VisitorController {
  constructor(
    private readonly startSession: StartSessionUseCase,
    private readonly sendMessage: SendMessageUseCase,
    private readonly readHistory: ReadHistoryUseCase,
  ) {}

  @Post('session')
  @HttpCode(200)
  session(@Param('key') key: string, @Headers('origin') origin: string | undefined, @Body() body: StartSessionDto): Promise<WidgetSession> {
    return this.startSession.execute({ publicKey: key, origin, token: body.token, profile: body.profile });
  }

  @Post('messages')
  @HttpCode(201)
  async message(
    @Param('key') key: string,
    @Headers('origin') origin: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Headers('x-request-id') requestId: string | undefined,
    @Body() body: SendMessageDto,
  ): Promise<{ message: WidgetMessageView }> {
    const message = await this.sendMessage.execute({
      publicKey: key,
      origin,
      token: bearer(authorization),
      clientMessageId: body.clientMessageId,
      text: body.text,
      page: body.page,
      locale: localeFrom(acceptLanguage),
      correlationId: typeof requestId === 'string' && /^[\w.:-]{1,128}$/.test(requestId) ? requestId : undefined,
    });
    return { message };
  }

  @Get('messages')
  history(
    @Param('key') key: string,
    @Headers('origin') origin: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: ReadHistoryDto,
  ): Promise<HistoryPage> {
    return this.readHistory.execute({ publicKey: key, origin, token: bearer(authorization), limit: query.limit, before: query.before, after: query.after });
  }
}
