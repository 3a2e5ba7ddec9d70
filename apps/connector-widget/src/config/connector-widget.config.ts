import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithPublicUrl, WithSecretsKey, toInt } from '@crm/config';

/** Environment of the connector-widget service (DESIGN §3), validated at boot. */
export class ConnectorWidgetConfig extends WithPublicUrl(WithSecretsKey(BaseServiceConfig)) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3105;

  /** Messages one visitor may send per minute (token bucket; the same number may be sent at once). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100_000)
  WIDGET_VISITOR_MESSAGES_PER_MINUTE: number = 30;

  /** Requests of the visitor API (sessions, messages, history, live connects) one IP address may make per minute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  WIDGET_IP_REQUESTS_PER_MINUTE: number = 600;

  /** How long a visitor token (the visitor's session, kept by the script in localStorage) stays valid. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(400 * 24 * 3600)
  WIDGET_VISITOR_TOKEN_TTL_SECONDS: number = 180 * 24 * 3600;

  /**
   * Which proxies in front of the service are trusted to report the client address in X-Forwarded-For (Express
   * "trust proxy" syntax). The per-IP rate limit uses that address.
   */
  @IsString()
  @IsNotEmpty()
  WIDGET_TRUST_PROXY: string = 'loopback, linklocal, uniquelocal';
}
