import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../../http/trim';

export class UpdateIntegrationDto {
  @ApiPropertyOptional({ example: 'Bitrix24 (основной)' })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Only the keys to change; omitted keys (and masked values echoed back) keep their stored value, null removes an optional key.',
    example: { webhookUrl: 'https://example.bitrix24.ru/rest/1/z9y8x7w6v5u4t3s2/' },
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}
