import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer of the API: `{ statusCode, code, message, details?, requestId }` (DESIGN §4). */
export class ErrorBody {
  @ApiProperty({ example: 422 })
  statusCode!: number;
  @ApiProperty({ example: 'TELEGRAM_TOKEN_INVALID', description: 'Stable upper-snake code' })
  code!: string;
  @ApiProperty({ example: 'Telegram отклонил токен бота. Проверьте токен у @BotFather', description: 'Russian by default, English with Accept-Language: en' })
  message!: string;
  @ApiPropertyOptional({ example: [{ path: 'settings.botToken', constraints: ['botToken must match /^\\d+:[\\w-]+$/'] }] })
  details?: unknown;
  @ApiProperty({ example: '5f0c8a9e-3b1d-4c2e-9f7a-6d8b1e2c3a4f', description: 'Id of the request (its x-request-id, or generated), also on its log lines' })
  requestId!: string;
}
