import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, WithVkApiUrl, toInt } from '@crm/config';

/** Environment of the connector-vk service (DESIGN §3), validated at boot. */
export class ConnectorVkConfig extends WithVkApiUrl(WithPublicUrl(WithSecretsKey(BaseServiceConfig))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3103;

  /**
   * Time budget of the sender's name (users.get) on the webhook path. Past it the message goes out without the name;
   * the answer, when it comes, is cached and the sender's next messages carry it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5000)
  VK_NAME_BUDGET_MS: number = 500;

  /** Timeout of every VK API call. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  VK_API_TIMEOUT_MS: number = 10_000;

  /** A callback whose message cannot be stored on Kafka within this time is answered 503 (VK re-sends it). */
  @Transform(toInt)
  @IsInt()
  @Min(200)
  @Max(30_000)
  VK_PRODUCE_TIMEOUT_MS: number = 5000;

  /** How long a reply is retried while VK is unreachable or rate-limiting before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  VK_SEND_RETRY_WINDOW_MS: number = 60_000;

  /** Period of the token check (groups.getById) of every active channel. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  VK_HEALTH_INTERVAL_MS: number = 300_000;

  /** The random_id each sent message part got is kept this long (a re-delivery within it reuses the key). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  VK_RANDOM_ID_RETENTION_DAYS: number = 30;
}
