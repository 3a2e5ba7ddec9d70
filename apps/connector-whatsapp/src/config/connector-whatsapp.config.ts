import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, WithWhatsappGraphUrl, toInt } from '@crm/config';

/** Environment of the connector-whatsapp service (DESIGN §3), validated at boot. */
export class ConnectorWhatsappConfig extends WithWhatsappGraphUrl(WithPublicUrl(WithSecretsKey(BaseServiceConfig))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3102;

  /** A webhook whose messages cannot be stored on Kafka within this time is answered 503 (Meta re-delivers). */
  @Transform(toInt)
  @IsInt()
  @Min(500)
  @Max(60_000)
  WHATSAPP_PRODUCE_TIMEOUT_MS: number = 5000;

  /** Inbound records of concurrent webhook calls are gathered this long and produced as one Kafka request (0 = next tick). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(50)
  WHATSAPP_PRODUCE_LINGER_MS: number = 2;

  /** How long a reply is retried while the Graph API is unreachable (network errors, 5xx) before it is marked failed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  WHATSAPP_SEND_RETRY_WINDOW_MS: number = 60_000;

  /** Timeout of one Graph API call. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  WHATSAPP_GRAPH_TIMEOUT_MS: number = 15_000;

  /** Period of the token check (GET /{phone-number-id}) of every active channel. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  WHATSAPP_HEALTH_INTERVAL_MS: number = 300_000;
}
