import 'reflect-metadata';
import { IsIn, IsNotEmpty, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatus } from '../enums';
import { IsIsoDateTime, LIMITS, Optional } from '../validation';

/** Envelope `type` of an outbound message's delivery status on channels.status.v1. */
export const MESSAGE_STATUS_TYPE = 'message.status';
/** Current envelope `version` of MESSAGE_STATUS_TYPE. */
export const MESSAGE_STATUS_VERSION = 1;

/**
 * Delivery status of one outbound message, reported by its connector (`data` of a `message.status` envelope on
 * channels.status.v1, key `channelId:externalChatId`). `failed` must carry an `errorCode`.
 */
export class MessageStatusData {
  /** Our message id, from the OutboundMessageData that was sent. */
  @IsUUID('all')
  messageId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  externalChatId: string;

  /** The platform's id of the sent message, once known (needed to match later delivered/read receipts and edits). */
  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  externalMessageId?: string;

  @IsIn(DELIVERY_STATUSES)
  status: DeliveryStatus;

  /** Stable upper-snake code (e.g. `TELEGRAM_BOT_BLOCKED`). Required when `status` is `failed`. */
  @ValidateIf((o: MessageStatusData) => o.errorCode !== undefined || o.status === 'failed')
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  errorCode?: string;

  /** Human-readable detail (e.g. the platform's description); never contains credentials. */
  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  errorMessage?: string;

  /** When the status was observed (platform timestamp when given). */
  @IsIsoDateTime()
  at: string;
}
