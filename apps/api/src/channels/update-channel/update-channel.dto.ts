import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Trim } from '../../http/trim';
import { RoutingDto } from '../create-channel/create-channel.dto';

/** Every field optional; `routing` and `settings` are merged key by key (omitted secrets are kept). The type cannot change. */
export class UpdateChannelDto {
  @ApiPropertyOptional({ example: 'Telegram: поддержка' })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: null })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null })
  @IsOptional()
  @IsUUID('all')
  integrationId?: string | null;

  @ApiPropertyOptional({ type: RoutingDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RoutingDto)
  routing?: RoutingDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Only the keys to change (validated by the type\'s class after merging); masked values echoed back count as unchanged',
    example: { botToken: '123456789:AAF0newTokenFromBotFather_xxxxxxxxxxxx' },
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}
