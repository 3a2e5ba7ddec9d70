import { Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { BaseServiceConfig, WithCrmUrlPolicy, WithSecretsKey, toInt } from '@crm/config';

const toNumber = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value);

/** Environment of the integrations service (DESIGN §3), validated at boot. */
export class IntegrationsConfig extends WithCrmUrlPolicy(WithSecretsKey(BaseServiceConfig)) {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3202;

  /** Integrations one instance forwards for at the same time (each holds its integration's lock meanwhile). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  SYNC_WORKER_CONCURRENCY: number = 4;

  /** How often an idle worker looks for integrations with due records (real ms; new records wake it at once). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  SYNC_POLL_MS: number = 250;

  /** A batch that is not full waits this long (app clock) after its oldest record became due, to fill up. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SYNC_BATCH_LINGER_MS: number = 200;

  /** Attempts of a record the CRM refuses (validation) before it is `failed`. Transient failures retry forever. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  SYNC_MAX_ATTEMPTS: number = 5;

  /** Backoff after the first failure (app clock), doubling per failure… */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SYNC_BACKOFF_BASE_MS: number = 2000;

  /** …up to this cap (app clock): a long CRM outage is retried at least this often. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SYNC_BACKOFF_MAX_MS: number = 15 * 60_000;

  /**
   * Speed of the application clock that all due times are computed with (1 = real time). Tests set e.g. 3600 to
   * cover hours of outage and backoff in seconds.
   */
  @Transform(toNumber)
  @IsNumber()
  @Min(1)
  @Max(1_000_000)
  SYNC_CLOCK_RATE: number = 1;

  /**
   * With SYNC_CLOCK_RATE ≠ 1: the real moment (epoch ms) the application clock starts from. Processes given the same
   * origin share one accelerated timeline, so a restarted instance does not see every due time hours away. Default:
   * when the process started.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SYNC_CLOCK_ORIGIN?: number;

  /** Longest a worker keeps one integration (real ms) before it lets others (and other instances) have a turn. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  SYNC_TURN_MAX_MS: number = 10_000;

  /** Timeout of one request to a CRM (real ms). Bitrix24 allows a request 60 s. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120_000)
  CRM_HTTP_TIMEOUT_MS: number = 30_000;

  /** Base interval (real ms) of re-checking integrations saved while their CRM was unreachable; doubles to 10 min. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  INTEGRATION_RECHECK_MS: number = 30_000;
}
