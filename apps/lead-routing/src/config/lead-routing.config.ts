import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, toInt } from '@crm/config';

/** Environment of the lead-routing service (DESIGN §3), validated at boot. */
export class LeadRoutingConfig extends BaseServiceConfig {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  override PORT: number = 3201;

  /** Most inbound messages of one partition routed in one database transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(2000)
  ROUTING_BATCH_SIZE: number = 1000;

  /** Partitions of channels.inbound.v1 processed at the same time (each in its own transaction). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  ROUTING_PARTITION_CONCURRENCY: number = 6;

  /**
   * A fetch of channels.inbound.v1 waits for this many bytes (or ROUTING_FETCH_MAX_WAIT_MS): larger batches, fewer
   * transactions, for up to ROUTING_FETCH_MAX_WAIT_MS more latency. 1 (the default) answers with whatever is there; on
   * the 2-core benchmark machine 64 KiB cut transactions by a third without a measurable change of the figures.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16 * 1024 * 1024)
  ROUTING_FETCH_MIN_BYTES: number = 1;

  /** The longest a fetch of channels.inbound.v1 waits for ROUTING_FETCH_MIN_BYTES (or, idle, for any record). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ROUTING_FETCH_MAX_WAIT_MS: number = 100;

  /** How long a channel's routing settings are reused before they are read again. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  ROUTING_CHANNEL_CACHE_TTL_MS: number = 5000;

  /** Kafka consumer session timeout: how soon a crashed instance's partitions move to another one. */
  @Transform(toInt)
  @IsInt()
  @Min(6000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 30_000;
}
