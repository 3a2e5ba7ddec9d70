import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer of the API: `{ statusCode, code, message, details? }` (DESIGN §4). */
export class ErrorBody {
  @ApiProperty({ example: 422 })
  statusCode!: number;
  @ApiProperty({ example: 'TELEGRAM_TOKEN_INVALID', description: 'Stable upper-snake code' })
  code!: string;
  @ApiProperty({ example: 'Telegram отклонил токен бота. Проверьте токен у @BotFather', description: 'Russian by default, English with Accept-Language: en' })
  message!: string;
  @ApiPropertyOptional({ example: [{ path: 'settings.botToken', constraints: ['botToken must match /^\\d+:[\\w-]+$/'] }] })
  details?: unknown;
}
