import { Transform } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
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

  /** How long the parts of an album (same media_group_id) are collected after the last one arrived. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(5000)
  TELEGRAM_ALBUM_WAIT_MS: number = 400;

  /** A webhook whose update cannot be stored on Kafka within this time is answered 503 (Telegram re-delivers). */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(60_000)
  TELEGRAM_PRODUCE_TIMEOUT_MS: number = 5000;

  /** Inbound records of concurrent webhook calls are gathered this long and produced as one Kafka request (0 = next tick). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(50)
  TELEGRAM_PRODUCE_LINGER_MS: number = 2;

  /** Period of the getWebhookInfo health check of every active bot. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  TELEGRAM_HEALTH_INTERVAL_MS: number = 60_000;

  /**
   * Lifetime of a bot's lease: the one instance holding it registers the webhook and runs the health checks (several
   * instances never both do); renewed every third of it; a dead instance's bots are taken over after at most this.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  TELEGRAM_LEASE_TTL_MS: number = 30_000;

  /** How long a reply is retried while Telegram is unreachable (network errors, 5xx) before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  TELEGRAM_SEND_RETRY_WINDOW_MS: number = 60_000;

  /** Concurrent webhook connections Telegram may open per bot (setWebhook max_connections, 1–100). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  TELEGRAM_WEBHOOK_MAX_CONNECTIONS: number = 40;
}
