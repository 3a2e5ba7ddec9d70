import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { CHANNEL_TYPES } from '@crm/contracts';
import { RoutingDto } from '../../channels/create-channel/create-channel.dto';

/** The sample sender of the preview: what a platform would tell about them (DESIGN §6 `sender`). */
export class SimulateSenderDto {
  @ApiPropertyOptional({ example: '123456789', maxLength: 256, description: 'Their id on the platform; with channelId, an identity already linked to a client is found by it' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  externalUserId?: string;

  @ApiPropertyOptional({ example: 'Иван Петров', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  displayName?: string;

  @ApiPropertyOptional({ example: 'ivan_petrov', maxLength: 256, description: 'Matches a client by username on the same channel type (autoMatchClient)' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  username?: string;

  @ApiPropertyOptional({ example: '8 (900) 123-45-67', maxLength: 64, description: 'Any spelling; normalized to E.164 (Russian 8…/7…/+7… are one number)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phone?: string;

  @ApiPropertyOptional({ example: true, description: 'The platform vouches the phone is theirs (WhatsApp number, own Telegram contact); only then does it match a client' })
  @IsOptional()
  @IsBoolean()
  phoneVerified?: boolean;
}

/** POST /routing/simulate: a draft routing and a sample sender (DESIGN §4). */
export class SimulateRoutingDto {
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' })
  @IsIn(CHANNEL_TYPES)
  channelType!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    example: '1f0e2d3c-4b5a-4697-8877-665544332211',
    description: 'An existing channel of this account (editing it): its identities and dialogs count. Without it the channel is a draft (no identity or dialog of it exists yet)',
  })
  @IsOptional()
  @IsUUID('all')
  channelId?: string;

  @ApiPropertyOptional({
    example: '123456789',
    maxLength: 256,
    description: 'The chat the message comes from (with channelId: its dialog may exist, be open or closed). Default: sender.externalUserId (a private chat)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  externalChatId?: string;

  @ApiProperty({ type: RoutingDto, description: 'The routing to try, as in a channel (omitted toggles are false)' })
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingDto)
  routing!: RoutingDto;

  @ApiProperty({ type: SimulateSenderDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SimulateSenderDto)
  sender!: SimulateSenderDto;
}

export class SimulatedClientDto {
  @ApiProperty({
    enum: ['linked', 'matched', 'created', 'none'],
    example: 'matched',
    description: 'linked: the identity (or the open dialog) already has the client; matched: an existing client by `rule`; created: a new client; none: the dialog stays without client',
  })
  action!: 'linked' | 'matched' | 'created' | 'none';

  @ApiPropertyOptional({ type: String, format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6', description: 'linked / matched' })
  clientId?: string;

  @ApiPropertyOptional({ enum: ['identity', 'dialog', 'phone', 'username', 'created'], example: 'phone', description: 'Which DESIGN §7.2 rule gave the client (dialog: the open dialog already has it)' })
  rule?: 'identity' | 'dialog' | 'phone' | 'username' | 'created';
}

export class SimulatedLeadDto {
  @ApiProperty({ enum: ['linked', 'created', 'none'], example: 'created', description: 'Only when a conversation starts (new or reopened dialog)' })
  action!: 'linked' | 'created' | 'none';

  @ApiPropertyOptional({ type: String, format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7', description: 'linked: the client\'s open lead' })
  leadId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, example: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', description: 'created: the funnel (null: unsorted lead)' })
  funnelId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, example: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b', description: 'created: the stage (the funnel\'s first stage when routing has none)' })
  stageId?: string | null;
}

/** What a first message of the sender would do now; nothing was written. */
export class SimulateRoutingResponse {
  @ApiProperty({ enum: ['new', 'reopened', 'existing'], example: 'new', description: 'new / reopened: a conversation starts; existing: the open dialog goes on (no lead decision)' })
  dialog!: 'new' | 'reopened' | 'existing';

  @ApiProperty({ type: SimulatedClientDto })
  client!: SimulatedClientDto;

  @ApiProperty({ type: SimulatedLeadDto })
  lead!: SimulatedLeadDto;
}
