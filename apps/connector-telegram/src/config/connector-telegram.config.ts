import { Transform } from 'class-transformer';
import { IsInt, Max, Min, IsIn } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, WithTelegramApiRoot, toInt } from '@crm/config';

/** Environment of the connector-telegram service (DESIGN §3), validated at boot. */
export class ConnectorTelegramConfig extends WithTelegramApiRoot(WithPublicUrl(WithSecretsKey(BaseServiceConfig))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3101;

  /** webhook: Telegram calls PUBLIC_URL/webhooks/telegram/:channelId; polling: long polling per bot (development). */
  @IsIn(['webhook', 'polling'])
  TELEGRAM_MODE: 'webhook' | 'polling' = 'webhook';
}
