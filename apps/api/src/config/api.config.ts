import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithAvitoApiUrl, WithCrmUrlPolicy, WithJwtSecret, WithPublicUrl, WithSecretsKey, WithTelegramApiRoot, WithVkApiUrl, WithWhatsappGraphUrl, toBool, toInt } from '@crm/config';

/** Environment of the api service (DESIGN §3), validated at boot. */
export class ApiConfig extends WithCrmUrlPolicy(WithAvitoApiUrl(WithVkApiUrl(WithWhatsappGraphUrl(WithTelegramApiRoot(WithJwtSecret(WithPublicUrl(WithSecretsKey(BaseServiceConfig)))))))) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3000;

  /**
   * Base interval of the background re-verification of channels saved while their platform was unreachable
   * (status error, reason PLATFORM_UNAVAILABLE); each channel backs off from it, doubling up to 10 minutes.
   */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  CHANNEL_VERIFY_RETRY_MS: number = 30_000;

  /** Timeout of one live credentials check against a platform (Telegram getMe…). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  PLATFORM_VERIFY_TIMEOUT_MS: number = 10_000;

  /**
   * Publish the transactional outbox from this process (default true). false leaves committed rows for another
   * instance's relay — e.g. to run several api replicas with one publisher, or to prove a crash loses nothing.
   */
  @Transform(toBool)
  @IsBoolean()
  OUTBOX_RELAY_ENABLED: boolean = true;

  /**
   * How long GET /api/v1/events keeps events for replay after a reconnect (DESIGN §4: at least the last 10 minutes).
   */
  @Transform(toInt)
  @IsInt()
  @Min(600_000)
  @Max(86_400_000)
  LIVE_EVENTS_RETENTION_MS: number = 3_600_000;

  /** Safety-net poll of the live events sequence (NOTIFY normally wakes the streams at once). */
  @Transform(toInt)
  @IsInt()
  @Min(20)
  @Max(60_000)
  LIVE_EVENTS_POLL_MS: number = 1_000;
}
