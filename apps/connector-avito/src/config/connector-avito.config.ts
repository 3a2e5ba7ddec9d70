import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithAvitoApiUrl, WithPublicUrl, WithSecretsKey, toInt } from '@crm/config';

/** Environment of the connector-avito service (DESIGN §3), validated at boot. */
export class ConnectorAvitoConfig extends WithAvitoApiUrl(WithPublicUrl(WithSecretsKey(BaseServiceConfig))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3104;

  /**
   * Time budget of the chat-info call (the listing of a u2i chat, the client's name) on the webhook path: Avito wants
   * its 200 within 2 s. Past it the message goes out without them and is enriched when the answer comes.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1500)
  AVITO_CHAT_INFO_BUDGET_MS: number = 500;

  /** Timeout of every other Avito call. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  AVITO_API_TIMEOUT_MS: number = 10_000;

  /** An access token this close to its expiry (24 h after issue) is re-requested before use. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AVITO_TOKEN_REFRESH_MARGIN_MS: number = 600_000;

  /** A webhook whose message cannot be stored on Kafka within this time is answered 503 (Avito re-delivers). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(1900)
  AVITO_PRODUCE_TIMEOUT_MS: number = 1200;

  /** Period of the subscription check of every active channel (re-subscribes when the list lacks our URL). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  AVITO_HEALTH_INTERVAL_MS: number = 60_000;

  /** How long a reply is retried while Avito is unreachable or rate-limiting before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  AVITO_SEND_RETRY_WINDOW_MS: number = 60_000;
}
