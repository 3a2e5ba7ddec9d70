import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { ATTACHMENT_KINDS, AttachmentKind, CHANNEL_TYPES, ChannelType } from '../enums';
import { LIMITS, Optional } from '../validation';

/** Envelope `type` of a send command on channels.outbound.v1. */
export const OUTBOUND_MESSAGE_TYPE = 'message.outbound';
/** Current envelope `version` of OUTBOUND_MESSAGE_TYPE. */
export const OUTBOUND_MESSAGE_VERSION = 1;

/** A file to send: either a URL the connector can fetch, or a file id the platform already knows (at least one). */
export class OutboundAttachment {
  @IsIn(ATTACHMENT_KINDS)
  kind: AttachmentKind;

  /** http(s) URL of the file. Required when `platformFileId` is absent. */
  @ValidateIf((o: OutboundAttachment) => o.url !== undefined || o.platformFileId === undefined)
  @IsString()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(4_096)
  url?: string;

  /** The platform's id of an already uploaded file. Required when `url` is absent. */
  @ValidateIf((o: OutboundAttachment) => o.platformFileId !== undefined || o.url === undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.shortText)
  platformFileId?: string;

  @Optional()
  @IsString()
  @MaxLength(255)
  mimeType?: string;

  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  fileName?: string;

  @Optional()
  @IsInt()
  @Min(0)
  size?: number;
}

const hasAttachments = (o: OutboundMessageData): boolean => Array.isArray(o.attachments) && o.attachments.length > 0;

/**
 * Send command for an agent reply (`data` of a `message.outbound` envelope on channels.outbound.v1,
 * key `channelId:externalChatId`). The envelope carries accountId and channelId. `text` may be empty only when
 * there are attachments.
 */
export class OutboundMessageData {
  /** Our message id (messages.id); the connector reports its status against it on channels.status.v1. */
  @IsUUID('all')
  messageId: string;

  @IsUUID('all')
  dialogId: string;

  @IsIn(CHANNEL_TYPES)
  channelType: ChannelType;

  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  externalChatId: string;

  @IsString()
  @MaxLength(LIMITS.text)
  @ValidateBy({
    name: 'textOrAttachments',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        (args !== undefined && hasAttachments(args.object as OutboundMessageData)) ||
        (typeof value === 'string' && value.trim().length > 0),
      defaultMessage: () => 'text must not be blank when there are no attachments',
    },
  })
  text: string;

  @Optional()
  @IsArray()
  @ArrayMaxSize(LIMITS.attachments)
  @ValidateNested({ each: true })
  @Type(() => OutboundAttachment)
  attachments?: OutboundAttachment[];

  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  replyToExternalMessageId?: string;
}
