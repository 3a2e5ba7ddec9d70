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
   * transactions, for up to ROUTING_FETCH_MAX_WAIT_MS more latency (1 = answer with whatever is there). On the 2-core
   * benchmark machine at 1,000 messages/s, 64 KiB with a 20 ms wait made three times fewer routing transactions
   * (≈ 40 events each instead of 12) and took lead-routing from 35 % to 23 % of a core and the machine from ~90 % to
   * ~70 % busy, for ~12 ms more webhook → stored at the median (p99 still ≈ 55 ms against the 250 ms target).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16 * 1024 * 1024)
  ROUTING_FETCH_MIN_BYTES: number = 64 * 1024;

  /** The longest a fetch of channels.inbound.v1 waits for ROUTING_FETCH_MIN_BYTES (or, idle, for any record): a quiet chat's message is routed at most this much later. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  ROUTING_FETCH_MAX_WAIT_MS: number = 20;

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
