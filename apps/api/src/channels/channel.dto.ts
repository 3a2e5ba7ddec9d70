import { ApiProperty } from '@nestjs/swagger';
import { CHANNEL_HEALTH_STATUSES, CHANNEL_STATUSES, CHANNEL_TYPES } from '@crm/persistence';

export class RoutingResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' }) funnelId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b' }) stageId!: string | null;
  @ApiProperty({ example: true }) createLeadOnFirstMessage!: boolean;
  @ApiProperty({ example: false }) findExistingLead!: boolean;
  @ApiProperty({ example: true }) createClientOnFirstMessage!: boolean;
  @ApiProperty({ example: true }) autoMatchClient!: boolean;
}

export class ChannelHealthResponse {
  @ApiProperty({ enum: CHANNEL_HEALTH_STATUSES, example: 'active', description: 'As the channel\'s connector last reported it' })
  status!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Stable cause code of the last report (e.g. TELEGRAM_TOKEN_REVOKED)' }) causeCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) message!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T09:05:00.000Z' }) checkedAt!: string | null;
}

export class ChannelResponse {
  @ApiProperty({ format: 'uuid', example: '1f0e2d3c-4b5a-4697-8877-665544332211' }) id!: string;
  @ApiProperty({ example: 'Telegram бот' }) name!: string;
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' }) type!: string;
  @ApiProperty({ type: String, nullable: true, example: 'канал на лендинге' }) description!: string | null;
  @ApiProperty({ enum: CHANNEL_STATUSES, example: 'active' }) status!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'Why the channel is in error: PLATFORM_UNAVAILABLE (retried in the background), TELEGRAM_TOKEN_INVALID, or the cause reported by the connector',
  })
  statusReason!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: null }) integrationId!: string | null;
  @ApiProperty({ type: RoutingResponse }) routing!: RoutingResponse;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Type settings; secrets masked (••••xY); facts learned from the platform added', example: { botToken: '••••aw', botId: '123456789', botUsername: 'shop_bot', botName: 'Магазин' } })
  settings!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What to paste elsewhere: `manual` tells whether anything is needed; type-specific values (callbackUrl + secretKey for VK, callbackUrl + verifyToken for WhatsApp, webhookUrl for Avito, embedSnippet for the widget) and a note',
    example: { manual: false, note: 'Ничего вставлять не нужно: мы сами регистрируем вебхук бота в Telegram.' },
  })
  connection!: Record<string, unknown>;
  @ApiProperty({ type: ChannelHealthResponse }) health!: ChannelHealthResponse;
  @ApiProperty({ type: 'integer', example: 1, description: 'Incremented on every change; the revision published on channels.config.v1' }) revision!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:00:00.000Z' }) updatedAt!: string;
}

export class ChannelListResponse {
  @ApiProperty({ type: [ChannelResponse] }) items!: ChannelResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
