import 'reflect-metadata';
import { IsIn, IsInt, IsNotEmpty, IsString, IsUUID, MaxLength, Min, ValidateIf } from 'class-validator';
import { CHANNEL_STATUSES, CHANNEL_TYPES, ChannelStatus, ChannelType } from '../enums';
import { HasNoPlaintextSecrets, IsFreeFormObject, IsIsoDateTime, IsOpaqueCiphertext, LIMITS } from '../validation';

/** Envelope `type` of a channel state record on channels.config.v1 (compacted; a null value is the delete tombstone). */
export const CHANNEL_CONFIG_TYPE = 'channel.config';
/** Current envelope `version` of CHANNEL_CONFIG_TYPE. */
export const CHANNEL_CONFIG_VERSION = 1;

/**
 * Latest state of one channel for the connectors (`data` of a `channel.config` envelope on channels.config.v1,
 * key = channelId; deleting a channel produces a tombstone — the same key with a null value).
 *
 * Never carries a plaintext credential: `settings` holds only non-secret settings (validated: no key that looks like
 * a token/secret/password at any depth), credentials travel in `encryptedSecrets` (AES-256-GCM with SECRETS_KEY,
 * opaque to this library).
 */
export class ChannelConfigData {
  @IsUUID('all')
  channelId: string;

  @IsUUID('all')
  accountId: string;

  @IsIn(CHANNEL_TYPES)
  type: ChannelType;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.shortText)
  name: string;

  @IsIn(CHANNEL_STATUSES)
  status: ChannelStatus;

  /** Non-secret, type-specific settings (e.g. VK groupId, WhatsApp phoneNumberId, widget allowedOrigins). */
  @IsFreeFormObject()
  @HasNoPlaintextSecrets()
  settings: Record<string, unknown>;

  /** Opaque encrypted blob of the type's credentials (bot token, access token…), or null when there are none. */
  @ValidateIf((o: ChannelConfigData) => o.encryptedSecrets !== null)
  @IsOpaqueCiphertext()
  encryptedSecrets: string | null;

  /** Encrypted secret used to authenticate the platform's webhook calls (absent/null when the type has none). */
  @ValidateIf((o: ChannelConfigData) => o.webhookSecret !== null && o.webhookSecret !== undefined)
  @IsOpaqueCiphertext()
  webhookSecret?: string | null;

  /** Monotonic per channel; a consumer ignores a record whose revision is lower than what it already applied. */
  @IsInt()
  @Min(0)
  revision: number;

  @IsIsoDateTime()
  updatedAt: string;
}
