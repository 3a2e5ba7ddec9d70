import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsBrokerList, IsPostgresUrl, toInt } from './validators';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables every service reads (DESIGN §3). Apps extend this with their own. */
export class BaseServiceConfig {
  @IsPostgresUrl()
  DATABASE_URL!: string;

  @IsBrokerList()
  KAFKA_BROKERS!: string;

  /** Namespaces every topic and consumer group; may be empty. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may contain only letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX: string = '';

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

  get kafkaBrokers(): string[] {
    return this.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean);
  }
}
