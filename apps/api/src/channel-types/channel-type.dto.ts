import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { localize, type ChannelTypeDescriptor, type Locale } from '@crm/channel-types';
import { CHANNEL_TYPES } from '@crm/persistence';

export class SettingsFieldResponse {
  @ApiProperty({ example: 'botToken' }) name!: string;
  @ApiProperty({ example: 'Токен бота' }) label!: string;
  @ApiProperty({ example: true }) required!: boolean;
  @ApiProperty({ example: true, description: 'Encrypted at rest and masked in every response' }) secret!: boolean;
  @ApiProperty({ enum: ['string', 'integer', 'string[]', 'object'], example: 'string' }) kind!: string;
  @ApiProperty({ example: 'Токен от @BotFather: id бота, двоеточие и секретная часть, например 123456789:AAH…' }) format!: string;
  @ApiPropertyOptional({ example: '^(\\d{1,20}):[A-Za-z0-9_-]{30,100}$' }) pattern?: string;
  @ApiPropertyOptional({
    description: 'A sample value, typed as `kind` says',
    oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'array', items: { type: 'string' } }, { type: 'object', additionalProperties: true }],
    example: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  })
  example?: string | number | string[] | Record<string, unknown>;
}

export class ChannelCapabilitiesResponse {
  @ApiProperty({ example: false, description: 'Can the business write first' }) canStartConversation!: boolean;
  @ApiProperty({ example: null, nullable: true, type: 'integer', description: 'Hours after the customer\'s last message during which free-form replies are allowed; null = no window (WhatsApp: 24)' })
  replyWindowHours!: number | null;
  @ApiProperty({ example: 4096, nullable: true, type: 'integer' }) maxTextLength!: number | null;
  @ApiProperty({ example: 52428800, nullable: true, type: 'integer', description: 'Largest file the business can send (bytes)' }) maxUploadBytes!: number | null;
  @ApiProperty({ example: 20971520, nullable: true, type: 'integer', description: 'Largest customer file we can fetch (bytes)' }) maxDownloadBytes!: number | null;
  @ApiProperty({ example: true }) canEditSent!: boolean;
  @ApiProperty({ example: true }) canDeleteSent!: boolean;
  @ApiProperty({ example: true }) receivesEdits!: boolean;
  @ApiProperty({ example: false }) receivesDeletes!: boolean;
  @ApiProperty({ example: false }) deliveryReceipts!: boolean;
  @ApiProperty({ example: false }) readReceipts!: boolean;
  @ApiProperty({ type: [String], example: ['Бот может писать только тем, кто сам начал с ним диалог.'] }) notes!: string[];
}

export class ChannelTypeResponse {
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' }) type!: string;
  @ApiProperty({ example: 'Telegram' }) title!: string;
  @ApiProperty({
    example: true,
    description: 'false while nothing receives messages of this type (its connector is not there yet): creating or activating such a channel answers 422 CHANNEL_TYPE_UNAVAILABLE',
  })
  available!: boolean;
  @ApiProperty({ type: [SettingsFieldResponse] }) settings!: SettingsFieldResponse[];
  @ApiProperty({ example: 'https://core.telegram.org/bots/features#botfather' }) instructionsUrl!: string;
  @ApiProperty({ type: ChannelCapabilitiesResponse }) capabilities!: ChannelCapabilitiesResponse;
}

export class ChannelTypeListResponse {
  @ApiProperty({ type: [ChannelTypeResponse] }) items!: ChannelTypeResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: null;
}

export function presentChannelType(d: ChannelTypeDescriptor, available: boolean, locale: Locale): ChannelTypeResponse {
  return {
    type: d.type,
    title: localize(d.title, locale),
    available,
    settings: d.settings.map((f) => ({
      name: f.name,
      label: localize(f.label, locale),
      required: f.required,
      secret: f.secret,
      kind: f.kind,
      format: localize(f.format, locale),
      ...(f.pattern !== undefined ? { pattern: f.pattern } : {}),
      ...(f.example !== undefined ? { example: f.example as SettingsFieldResponse['example'] } : {}),
    })),
    instructionsUrl: d.instructionsUrl,
    capabilities: { ...d.capabilities, notes: d.capabilities.notes.map((n) => localize(n, locale)) },
  };
}
