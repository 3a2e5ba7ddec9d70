import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode, type Locale } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { RequestLocale } from '../http/locale.decorator';
import { ActivateChannelUseCase } from './activate-channel/activate-channel.usecase';
import { ChannelListResponse, ChannelResponse } from './channel.dto';
import { ChannelPresenter } from './channel.presenter';
import { CreateChannelDto } from './create-channel/create-channel.dto';
import { CreateChannelUseCase } from './create-channel/create-channel.usecase';
import { DeactivateChannelUseCase } from './deactivate-channel/deactivate-channel.usecase';
import { DeleteChannelUseCase } from './delete-channel/delete-channel.usecase';
import { GetChannelUseCase } from './get-channel/get-channel.usecase';
import { ListChannelsQueryDto } from './list-channels/list-channels.dto';
import { ListChannelsUseCase } from './list-channels/list-channels.usecase';
import { TemplateListResponse } from './list-templates/list-templates.dto';
import { ListTemplatesUseCase } from './list-templates/list-templates.usecase';
import { UpdateChannelDto } from './update-channel/update-channel.dto';
import { UpdateChannelUseCase } from './update-channel/update-channel.usecase';

const ChannelId = new IdParamPipe(ErrorCode.CHANNEL_NOT_FOUND);
const NOT_FOUND = { 404: { code: 'CHANNEL_NOT_FOUND', message: 'Канал не найден', description: 'No such channel in this account' } };
const SETTINGS_400 = {
  400: {
    code: 'CHANNEL_SETTINGS_INVALID',
    message: 'Неверные настройки канала',
    description: 'VALIDATION_FAILED (body), CHANNEL_SETTINGS_INVALID (settings of the type), STAGE_NOT_IN_FUNNEL',
    details: [{ path: 'settings.botToken', constraints: ['botToken must look like 123456789:AAH… (the token @BotFather gave you)'] }],
  },
};
const REFERENCE_404 = {
  404: {
    code: 'FUNNEL_NOT_FOUND',
    message: 'Воронка не найдена',
    description: 'CHANNEL_NOT_FOUND, or a chosen INTEGRATION_NOT_FOUND / FUNNEL_NOT_FOUND / STAGE_NOT_FOUND (another account\'s ids included)',
    details: [{ path: 'routing.funnelId', constraints: ['no such funnel in this account'] }],
  },
};
const CONFLICT_409 = {
  409: {
    code: 'CHANNEL_ALREADY_CONNECTED',
    message: 'Этот Telegram уже подключён в канале «Telegram бот»',
    details: { channelId: '1f0e2d3c-4b5a-4697-8877-665544332211', channelName: 'Telegram бот' },
  },
};
const EXAMPLE_TELEGRAM = {
  id: '1f0e2d3c-4b5a-4697-8877-665544332211',
  name: 'Telegram бот',
  type: 'telegram',
  description: 'канал на лендинге',
  status: 'active',
  statusReason: null,
  integrationId: null,
  routing: { funnelId: null, stageId: null, createLeadOnFirstMessage: false, findExistingLead: false, createClientOnFirstMessage: false, autoMatchClient: false },
  settings: { botToken: '••••aw', botId: '123456789', botUsername: 'shop_bot', botName: 'Магазин' },
  connection: { manual: false, note: 'Ничего вставлять не нужно: мы сами регистрируем вебхук бота в Telegram.' },
  health: { status: 'unknown', causeCode: null, message: null, checkedAt: null },
  revision: 1,
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
};
const EXAMPLE_VK = {
  ...EXAMPLE_TELEGRAM,
  id: '2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'Сообщество ВК',
  type: 'vk',
  description: null,
  routing: { funnelId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', stageId: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b', createLeadOnFirstMessage: true, findExistingLead: true, createClientOnFirstMessage: true, autoMatchClient: true },
  settings: { groupId: 218000000, accessToken: '••••x1' },
  connection: {
    manual: true,
    callbackUrl: 'https://crm.example.com/webhooks/vk/2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    secretKey: 'Q2w3E4r5T6y7U8i9O0pAsDfGhJkLzXcVb',
    note: 'В сообществе: Управление → Работа с API → Callback API. …',
  },
};
const EXAMPLE_WIDGET = {
  ...EXAMPLE_TELEGRAM,
  id: '3b2c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  name: 'Чат на сайте',
  type: 'widget',
  description: null,
  settings: { allowedOrigins: ['https://shop.example.com'], title: 'Напишите нам', color: '#2f80ed' },
  connection: {
    manual: true,
    publicKey: 'wk_3vQ9x2LmP8sT1aZ7cN4bR6yU',
    scriptUrl: 'https://crm.example.com/widget/widget.js',
    embedSnippet: '<script src="https://crm.example.com/widget/widget.js" data-key="wk_3vQ9x2LmP8sT1aZ7cN4bR6yU" async></script>',
    note: 'Вставьте код перед закрывающим тегом </body> на каждой странице сайта.',
  },
};
const EXAMPLE_UNREACHABLE = { ...EXAMPLE_TELEGRAM, status: 'error', statusReason: 'PLATFORM_UNAVAILABLE', settings: { botToken: '••••aw', botId: '123456789' } };

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/v1/channels')
export class ChannelsController {
  constructor(
    private readonly presenter: ChannelPresenter,
    private readonly listChannels: ListChannelsUseCase,
    private readonly getChannel: GetChannelUseCase,
    private readonly createChannel: CreateChannelUseCase,
    private readonly updateChannel: UpdateChannelUseCase,
    private readonly deleteChannel: DeleteChannelUseCase,
    private readonly activateChannel: ActivateChannelUseCase,
    private readonly deactivateChannel: DeactivateChannelUseCase,
    private readonly listTemplates: ListTemplatesUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listChannels', summary: 'Channels of the account, newest first', description: 'An empty account gets `{ items: [], nextCursor: null }` (the "Пусто. Создайте свой первый канал" screen).' })
  @ApiJsonResponse(200, ChannelListResponse, { items: [EXAMPLE_TELEGRAM, EXAMPLE_VK], nextCursor: null })
  @ApiErrors([400, 401])
  async list(@CurrentUser() user: AuthUser, @Query() query: ListChannelsQueryDto, @RequestLocale() locale: Locale): Promise<ChannelListResponse> {
    const page = await this.listChannels.execute(user, query);
    return { items: page.items.map((c) => this.presenter.present(c, locale)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getChannel', summary: 'One channel' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, ChannelResponse, EXAMPLE_TELEGRAM)
  @ApiErrors([401, 404], NOT_FOUND)
  async get(@CurrentUser() user: AuthUser, @Param('id', ChannelId) id: string, @RequestLocale() locale: Locale): Promise<ChannelResponse> {
    return this.presenter.present(await this.getChannel.execute(user, id), locale);
  }

  @Get(':id/templates')
  @ApiOperation({ operationId: 'listChannelTemplates', summary: 'Approved message templates of the channel (WhatsApp)', description: 'Asked live from the platform; what may be sent outside the reply window.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, TemplateListResponse, { items: [{ name: 'order_ready', language: 'ru', category: 'UTILITY', components: [{ type: 'BODY', text: 'Ваш заказ {{1}} готов' }] }] })
  @ApiErrors([401, 404, 422, 503], { ...NOT_FOUND, 422: { code: 'WHATSAPP_BUSINESS_ACCOUNT_REQUIRED', message: 'Для шаблонов укажите ID бизнес-аккаунта WhatsApp', description: 'TEMPLATES_NOT_SUPPORTED for a type without templates' } })
  templates(@CurrentUser() user: AuthUser, @Param('id', ChannelId) id: string): Promise<TemplateListResponse> {
    return this.listTemplates.execute(user, id);
  }

  @Post()
  @AdminOnly()
  @ApiOperation({
    operationId: 'createChannel',
    summary: 'Create a channel — the whole wizard in one request (admin)',
    description:
      'Valid credentials → `status: "active"` at once. Credentials the platform rejects → 422 (e.g. TELEGRAM_TOKEN_INVALID) and nothing is saved. ' +
      'Platform unreachable → saved with `status: "error"`, `statusReason: "PLATFORM_UNAVAILABLE"` and re-checked in the background until it becomes active. ' +
      'The same bot / community / number / Avito client twice in one account → 409 CHANNEL_ALREADY_CONNECTED. `connection` says what to paste into the platform.',
  })
  @ApiBody({
    type: CreateChannelDto,
    examples: {
      telegram: {
        value: {
          name: 'Telegram бот',
          type: 'telegram',
          description: 'канал на лендинге',
          integrationId: null,
          routing: { funnelId: null, stageId: null, createLeadOnFirstMessage: false, findExistingLead: false, createClientOnFirstMessage: false, autoMatchClient: false },
          settings: { botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' },
        },
      },
      whatsapp: {
        value: {
          name: 'WhatsApp отдела продаж',
          type: 'whatsapp',
          integrationId: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
          routing: { funnelId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', stageId: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b', createLeadOnFirstMessage: true, autoMatchClient: true },
          settings: { phoneNumberId: '106540352242922', accessToken: 'EAAGm0PX4ZCpsBAKZAZBb1a2b3c4d5e6f7g8h9', appSecret: '0123456789abcdef0123456789abcdef' },
        },
      },
      vk: { value: { name: 'Сообщество ВК', type: 'vk', settings: { groupId: 218000000, accessToken: 'vk1.a.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' } } },
      avito: { value: { name: 'Авито', type: 'avito', settings: { clientId: 'k8Hq2uVt0pX3aZ9m', clientSecret: 'Yx2Lm9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk' } } },
      widget: {
        value: { name: 'Чат на сайте', type: 'widget', settings: { allowedOrigins: ['https://shop.example.com'], title: 'Напишите нам', greeting: 'Здравствуйте!', color: '#2f80ed' } },
      },
    },
  })
  @ApiJsonResponse(201, ChannelResponse, { telegram: EXAMPLE_TELEGRAM, vk: EXAMPLE_VK, widget: EXAMPLE_WIDGET, telegramUnreachable: EXAMPLE_UNREACHABLE }, { named: true })
  @ApiErrors([400, 401, 403, 404, 409, 413, 422], { ...SETTINGS_400, ...REFERENCE_404, ...CONFLICT_409 })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateChannelDto, @RequestLocale() locale: Locale): Promise<ChannelResponse> {
    return this.presenter.present(await this.createChannel.execute(user, dto), locale);
  }

  @Patch(':id')
  @AdminOnly()
  @ApiOperation({
    operationId: 'updateChannel',
    summary: 'Change a channel (admin)',
    description: 'Fields are optional; `routing` and `settings` merge key by key (omitted secrets are kept). New credentials are checked like on create. The type cannot change.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({
    type: UpdateChannelDto,
    examples: {
      rename: { value: { name: 'Telegram: поддержка', description: null } },
      routing: { value: { routing: { funnelId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', stageId: null, createLeadOnFirstMessage: true } } },
      newToken: { value: { settings: { botToken: '123456789:AAF0newTokenFromBotFather_xxxxxxxxxxxx' } } },
    },
  })
  @ApiJsonResponse(200, ChannelResponse, EXAMPLE_TELEGRAM)
  @ApiErrors([400, 401, 403, 404, 409, 413, 422], { ...SETTINGS_400, ...REFERENCE_404, ...CONFLICT_409 })
  async update(@CurrentUser() user: AuthUser, @Param('id', ChannelId) id: string, @Body() dto: UpdateChannelDto, @RequestLocale() locale: Locale): Promise<ChannelResponse> {
    return this.presenter.present(await this.updateChannel.execute(user, id, dto), locale);
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteChannel', summary: 'Delete a channel (admin)', description: 'Soft delete: dialogs and leads stay; credentials are wiped; connectors get a tombstone.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors([401, 403, 404], NOT_FOUND)
  remove(@CurrentUser() user: AuthUser, @Param('id', ChannelId) id: string): Promise<void> {
    return this.deleteChannel.execute(user, id);
  }

  @Post(':id/activate')
  @AdminOnly()
  @HttpCode(200)
  @ApiOperation({ operationId: 'activateChannel', summary: 'Turn a channel on (admin)', description: 'Credentials are checked again: rejected → 422; platform unreachable → status error, retried in the background.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, ChannelResponse, EXAMPLE_TELEGRAM)
  @ApiErrors([401, 403, 404, 422], NOT_FOUND)
  async activate(@CurrentUser() user: AuthUser, @Param('id', ChannelId) id: string, @RequestLocale() locale: Locale): Promise<ChannelResponse> {
    return this.presenter.present(await this.activateChannel.execute(user, id), locale);
  }

  @Post(':id/deactivate')
  @AdminOnly()
  @HttpCode(200)
  @ApiOperation({ operationId: 'deactivateChannel', summary: 'Turn a channel off (admin)', description: 'Connectors stop taking its messages; `status: "inactive"`.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, ChannelResponse, { ...EXAMPLE_TELEGRAM, status: 'inactive', revision: 2 })
  @ApiErrors([401, 403, 404], NOT_FOUND)
  async deactivate(@CurrentUser() user: AuthUser, @Param('id', ChannelId) id: string, @RequestLocale() locale: Locale): Promise<ChannelResponse> {
    return this.presenter.present(await this.deactivateChannel.execute(user, id), locale);
  }
}
