import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { CHANNEL_TYPES } from '@crm/persistence';
import { Trim } from '../../http/trim';

/** Wizard step 2. Omitted toggles are false; no funnel → leads without a funnel ("unsorted"). */
export class RoutingDto {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null })
  @IsOptional()
  @IsUUID('all')
  funnelId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null, description: 'Must be a stage of funnelId; without it leads go to the funnel\'s first stage' })
  @IsOptional()
  @IsUUID('all')
  stageId?: string | null;

  @ApiPropertyOptional({ example: false, description: 'Create a lead when a conversation starts' })
  @IsOptional()
  @IsBoolean()
  createLeadOnFirstMessage?: boolean;

  @ApiPropertyOptional({ example: false, description: 'Link the client\'s open lead instead of creating one' })
  @IsOptional()
  @IsBoolean()
  findExistingLead?: boolean;

  @ApiPropertyOptional({ example: false, description: 'Create a client when a conversation starts' })
  @IsOptional()
  @IsBoolean()
  createClientOnFirstMessage?: boolean;

  @ApiPropertyOptional({ example: false, description: 'Find an existing client by the phone / username the channel gives' })
  @IsOptional()
  @IsBoolean()
  autoMatchClient?: boolean;
}

/** The whole create-channel wizard in one request (DESIGN §4). */
export class CreateChannelDto {
  @ApiProperty({ example: 'Telegram бот', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' })
  @IsIn(CHANNEL_TYPES)
  type!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'канал на лендинге', maxLength: 500 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null, description: 'Wizard step 1: an integration of this account, or null for "Без интеграции"' })
  @IsOptional()
  @IsUUID('all')
  integrationId?: string | null;

  @ApiPropertyOptional({ type: RoutingDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingDto)
  routing?: RoutingDto | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Settings of the type (GET /channel-types lists the fields): telegram `{ botToken }`; whatsapp `{ phoneNumberId, accessToken, appSecret }`; vk `{ groupId, accessToken }`; avito `{ clientId, clientSecret }`; widget `{ allowedOrigins, title?, greeting?, color?, preChat? }`. Unknown keys are rejected.',
    example: { botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' },
  })
  @IsObject()
  settings!: Record<string, unknown>;
}
