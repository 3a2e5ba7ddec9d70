import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { KafkaClientConfig } from './kafka-client.config';
import { IsPostgresUrl, toInt } from './validators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables every service reads (DESIGN §3; the Kafka ones in KafkaClientConfig). Apps extend this with their own. */
export class BaseServiceConfig extends KafkaClientConfig {
  @IsPostgresUrl()
  DATABASE_URL!: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  SERVICE_INSTANCE_ID?: string;

  /** Readiness turns red when a consumer partition has been paused by an outage longer than this (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  CONSUMER_STUCK_AFTER_MS: number = 60_000;

  /** On shutdown, /health/ready answers 503 this long (ms) before the HTTP server stops taking requests. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 0;
}
