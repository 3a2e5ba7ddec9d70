import 'reflect-metadata';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { CHANNEL_HEALTH_STATUSES, ChannelHealthStatus } from '../enums';
import { IsIsoDateTime, LIMITS, Optional } from '../validation';

/** Envelope `type` of a channel health report on channels.status.v1. */
export const CHANNEL_HEALTH_TYPE = 'channel.health';
/** Current envelope `version` of CHANNEL_HEALTH_TYPE. */
export const CHANNEL_HEALTH_VERSION = 1;

/**
 * Channel health observed by a connector (`data` of a `channel.health` envelope on channels.status.v1; the envelope's
 * channelId says which channel; key = channelId).
 */
export class ChannelHealthData {
  @IsIn(CHANNEL_HEALTH_STATUSES)
  status: ChannelHealthStatus;

  /** Stable upper-snake cause (e.g. `TELEGRAM_TOKEN_REVOKED`, `PLATFORM_UNREACHABLE`). */
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  causeCode?: string;

  /** Human-readable detail; never contains credentials. */
  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  message?: string;

  @IsIsoDateTime()
  at: string;
}
