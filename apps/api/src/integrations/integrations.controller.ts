import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorCode } from '@crm/domain';
import type { AuthUser } from '../auth/auth-user';
import { AdminOnly, CurrentUser } from '../auth/auth.decorators';
import { ApiErrors, ApiJsonResponse } from '../http/api-errors.decorator';
import { IdParamPipe } from '../http/id-param.pipe';
import { ListQueryDto, type Page } from '../http/pagination';
import { CreateIntegrationDto } from './create-integration/create-integration.dto';
import { CreateIntegrationUseCase } from './create-integration/create-integration.usecase';
import { DeleteIntegrationUseCase } from './delete-integration/delete-integration.usecase';
import { GetIntegrationUseCase } from './get-integration/get-integration.usecase';
import { IntegrationListResponse, IntegrationResponse } from './integration.dto';
import { ListIntegrationsUseCase } from './list-integrations/list-integrations.usecase';
import { ListSyncRecordsQueryDto } from './list-sync-records/list-sync-records.dto';
import { ListSyncRecordsUseCase } from './list-sync-records/list-sync-records.usecase';
import { ReplaySyncRecordsDto, ReplaySyncRecordsResponse } from './replay-sync-records/replay-sync-records.dto';
import { ReplaySyncRecordsUseCase } from './replay-sync-records/replay-sync-records.usecase';
import { SyncRecordListResponse, type SyncRecordResponse } from './sync-record.dto';
import { UpdateIntegrationDto } from './update-integration/update-integration.dto';
import { UpdateIntegrationUseCase } from './update-integration/update-integration.usecase';

const IntegrationId = new IdParamPipe(ErrorCode.INTEGRATION_NOT_FOUND);
const NOT_FOUND = { 404: { code: 'INTEGRATION_NOT_FOUND', message: 'Интеграция не найдена', description: 'No such integration in this account' } };
const INVALID = {
  400: {
    code: 'INTEGRATION_SETTINGS_INVALID',
    message: 'Неверные настройки интеграции',
    details: [{ path: 'settings.webhookUrl', constraints: ['webhookUrl must be a Bitrix24 incoming webhook URL: https://{portal}/rest/{user_id}/{code}/'] }],
  },
};
const EXAMPLE = {
  id: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  type: 'bitrix24',
  name: 'Bitrix24 отдела продаж',
  status: 'active',
  statusReason: null,
  settings: { webhookUrl: 'https://example.bitrix24.ru/rest/1/••••h8/', portal: 'example.bitrix24.ru', userId: 1 },
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
};
const AMO_EXAMPLE = {
  ...EXAMPLE,
  type: 'amocrm',
  name: 'amoCRM',
  settings: { subdomain: 'mycompany', clientId: '0c1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b', redirectUri: 'https://crm.example.com/oauth/amocrm', clientSecret: '••••Qz', longLivedToken: '••••J9' },
};

@ApiTags('integrations')
@ApiBearerAuth()
@Controller('api/v1/integrations')
export class IntegrationsController {
  constructor(
    private readonly listIntegrations: ListIntegrationsUseCase,
    private readonly getIntegration: GetIntegrationUseCase,
    private readonly createIntegration: CreateIntegrationUseCase,
    private readonly updateIntegration: UpdateIntegrationUseCase,
    private readonly deleteIntegration: DeleteIntegrationUseCase,
    private readonly listSyncRecords: ListSyncRecordsUseCase,
    private readonly replaySyncRecords: ReplaySyncRecordsUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listIntegrations', summary: 'Integrations of the account (Bitrix24, amoCRM)', description: 'Wizard step 1 picks one of them (or none). Secrets are masked.' })
  @ApiJsonResponse(200, IntegrationListResponse, { items: [EXAMPLE, AMO_EXAMPLE], nextCursor: null })
  @ApiErrors([400, 401])
  list(@CurrentUser() user: AuthUser, @Query() query: ListQueryDto): Promise<Page<IntegrationResponse>> {
    return this.listIntegrations.execute(user, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getIntegration', summary: 'One integration (secrets masked)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, IntegrationResponse, EXAMPLE)
  @ApiErrors([401, 404], NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @Param('id', IntegrationId) id: string): Promise<IntegrationResponse> {
    return this.getIntegration.execute(user, id);
  }

  @Post()
  @AdminOnly()
  @ApiOperation({
    operationId: 'createIntegration',
    summary: 'Connect a CRM (admin)',
    description:
      'Settings are validated by the CRM\'s own verifier and checked with a real call (Bitrix24: crm.lead.fields with the webhook): refused → 422 ' +
      '(BITRIX24_WEBHOOK_INVALID, BITRIX24_SCOPE_MISSING naming the scope) and nothing is saved; a URL that is not https to a public host → 400; the CRM ' +
      'unreachable → saved with status error (PLATFORM_UNAVAILABLE) and re-checked in the background. Credentials are encrypted at rest and only ever returned masked.',
  })
  @ApiBody({
    type: CreateIntegrationDto,
    examples: {
      bitrix24: { value: { type: 'bitrix24', name: 'Bitrix24 отдела продаж', settings: { webhookUrl: 'https://example.bitrix24.ru/rest/1/a1b2c3d4e5f6g7h8/' } } },
      amocrmLongLivedToken: {
        value: {
          type: 'amocrm',
          name: 'amoCRM',
          settings: {
            subdomain: 'mycompany',
            clientId: '0c1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b',
            clientSecret: 'Xq3vS9dLkT0pYw2zR8mN4bC6fH1jG5aQ',
            redirectUri: 'https://crm.example.com/oauth/amocrm',
            longLivedToken: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiIwYzFhIn0.c2lnbmF0dXJl',
          },
        },
      },
    },
  })
  @ApiJsonResponse(201, IntegrationResponse, EXAMPLE)
  @ApiErrors([400, 401, 403, 413, 422], {
    ...INVALID,
    422: { code: 'INTEGRATION_TYPE_UNAVAILABLE', message: 'Интеграция с Bitrix24 пока недоступна: пересылка в эту CRM ещё не работает', description: 'the CRM type has no forwarding yet' },
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateIntegrationDto): Promise<IntegrationResponse> {
    return this.createIntegration.execute(user, dto);
  }

  @Patch(':id')
  @AdminOnly()
  @ApiOperation({
    operationId: 'updateIntegration',
    summary: 'Rename or change settings (admin)',
    description:
      'Settings are merged key by key and validated again; omitted secrets are kept. A PATCH always re-checks the credentials with the CRM: refused → 422; ' +
      'passed → the integration is active and the records that waited go out.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: UpdateIntegrationDto, examples: { rename: { value: { name: 'Bitrix24 (основной)' } }, newWebhook: { value: { settings: { webhookUrl: 'https://example.bitrix24.ru/rest/1/z9y8x7w6v5u4t3s2/' } } } } })
  @ApiJsonResponse(200, IntegrationResponse, EXAMPLE)
  @ApiErrors([400, 401, 403, 404, 413, 422], {
    ...INVALID,
    ...NOT_FOUND,
    422: { code: 'BITRIX24_WEBHOOK_INVALID', message: 'Bitrix24 отклонил вебхук: он удалён, истёк или указан неверно', description: 'the CRM refused the credentials' },
  })
  update(@CurrentUser() user: AuthUser, @Param('id', IntegrationId) id: string, @Body() dto: UpdateIntegrationDto): Promise<IntegrationResponse> {
    return this.updateIntegration.execute(user, id, dto);
  }

  @Get(':id/sync')
  @ApiOperation({
    operationId: 'listIntegrationSyncRecords',
    summary: 'Records forwarded to this CRM and their sync state',
    description: 'pending from the moment the event is consumed, then synced (with the CRM id) or failed (with a stable error code after bounded attempts). In the order they go out: contact, lead, comments.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiJsonResponse(200, SyncRecordListResponse, {
    items: [
      { id: '0b7f2f5e-3a49-4c1e-9d0e-6a1f2b3c4d5e', entity: 'lead', entityId: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b', leadId: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b', state: 'synced', externalId: '4521', error: null, attempts: 0, updatedAt: '2026-03-01T10:15:31.000Z' },
      { id: '1c8a3a6f-4b5a-4d2f-8e1f-7b2a3c4d5e6f', entity: 'message', entityId: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f', leadId: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b', state: 'failed', externalId: null, error: 'BITRIX24_INVALID_ARG_VALUE', attempts: 5, updatedAt: '2026-03-01T10:16:02.000Z' },
    ],
    nextCursor: null,
  })
  @ApiErrors([400, 401, 404], NOT_FOUND)
  sync(@CurrentUser() user: AuthUser, @Param('id', IntegrationId) id: string, @Query() query: ListSyncRecordsQueryDto): Promise<Page<SyncRecordResponse>> {
    return this.listSyncRecords.execute(user, id, query);
  }

  @Post(':id/replay')
  @AdminOnly()
  @HttpCode(200)
  @ApiOperation({ operationId: 'replayIntegrationSyncRecords', summary: 'Send failed records again (admin)', description: 'Failed records become pending with fresh attempts and go out in their original order.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: ReplaySyncRecordsDto, examples: { failed: { value: { state: 'failed' } } } })
  @ApiJsonResponse(200, ReplaySyncRecordsResponse, { requeued: 3 })
  @ApiErrors([400, 401, 403, 404], NOT_FOUND)
  replay(@CurrentUser() user: AuthUser, @Param('id', IntegrationId) id: string, @Body() dto: ReplaySyncRecordsDto): Promise<ReplaySyncRecordsResponse> {
    return this.replaySyncRecords.execute(user, id, dto);
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteIntegration', summary: 'Delete an integration (admin)', description: 'Refused with 409 INTEGRATION_IN_USE while channels forward to it; `details.channels` names them.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted (credentials wiped)' })
  @ApiErrors([401, 403, 404, 409], {
    ...NOT_FOUND,
    409: {
      code: 'INTEGRATION_IN_USE',
      message: 'Интеграция используется каналами: «Telegram бот»',
      details: { channels: [{ id: '1f0e2d3c-4b5a-4697-8877-665544332211', name: 'Telegram бот' }] },
    },
  })
  remove(@CurrentUser() user: AuthUser, @Param('id', IntegrationId) id: string): Promise<void> {
    return this.deleteIntegration.execute(user, id);
  }
}
