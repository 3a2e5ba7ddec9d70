import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
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

/** An approved message template (WhatsApp), sent instead of free text outside the reply window. */
export class OutboundTemplate {
  /** The template's name as approved on the platform. */
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/)
  name: string;

  /** The template's language code (`ru`, `en_US`). */
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$/)
  language: string;

  /** The platform's template components (header/body/button parameters), passed through as given. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(LIMITS.attachments)
  @IsObject({ each: true })
  components?: Array<Record<string, unknown>>;
}

const hasAttachments = (o: OutboundMessageData): boolean => Array.isArray(o.attachments) && o.attachments.length > 0;
const hasTemplate = (o: OutboundMessageData): boolean => typeof o.template === 'object' && o.template !== null;

/**
 * Send command for an agent reply (`data` of a `message.outbound` envelope on channels.outbound.v1,
 * key `channelId:externalChatId`). The envelope carries accountId and channelId. `text` may be empty only when
 * there are attachments or a template.
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
        (args !== undefined && (hasAttachments(args.object as OutboundMessageData) || hasTemplate(args.object as OutboundMessageData))) ||
        (typeof value === 'string' && value.trim().length > 0),
      defaultMessage: () => 'text must not be blank when there are no attachments or template',
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

  /** An approved template to send (WhatsApp, DESIGN §4); `text` may then be empty (it holds a preview for the CRM). */
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => OutboundTemplate)
  template?: OutboundTemplate;
}
