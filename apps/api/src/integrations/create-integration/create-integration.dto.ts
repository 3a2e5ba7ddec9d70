import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsString, MaxLength, MinLength } from 'class-validator';
import { Trim } from '../../http/trim';

export class CreateIntegrationDto {
  @ApiProperty({ enum: ['bitrix24', 'amocrm'], example: 'bitrix24' })
  @IsIn(['bitrix24', 'amocrm'])
  type!: string;

  @ApiProperty({ example: 'Bitrix24 отдела продаж', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Bitrix24: `{ webhookUrl }` — the incoming webhook `https://{portal}/rest/{user_id}/{code}/`. amoCRM: `{ subdomain, clientId, clientSecret, redirectUri, authCode | longLivedToken }`. Unknown keys are rejected.',
    example: { webhookUrl: 'https://example.bitrix24.ru/rest/1/a1b2c3d4e5f6g7h8/' },
  })
  @IsObject()
  settings!: Record<string, unknown>;
}
