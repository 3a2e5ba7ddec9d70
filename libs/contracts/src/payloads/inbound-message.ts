import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ATTACHMENT_KINDS,
  AttachmentKind,
  CHANNEL_TYPES,
  ChannelType,
  INBOUND_EVENTS,
  InboundEvent,
  MESSAGE_KINDS,
  MessageKind,
} from '../enums';
import { IsFreeFormObject, IsIsoDateTime, LIMITS, Optional } from '../validation';

/** Envelope `type` of a normalized inbound message on channels.inbound.v1. */
export const INBOUND_MESSAGE_TYPE = 'message.inbound';
/** Current envelope `version` of INBOUND_MESSAGE_TYPE. */
export const INBOUND_MESSAGE_VERSION = 1;

/** Who wrote the message, as the platform identifies them. */
export class InboundSender {
  /** Platform user id (Telegram user id, WhatsApp wa_id, VK user id, Avito user id, widget visitor id). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  externalUserId: string;

  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  displayName?: string;

  /** Platform username without '@', when the platform has one (Telegram). */
  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  username?: string;

  /** Phone as the platform gives it (not normalized); WhatsApp always has it. */
  @Optional()
  @IsString()
  @MaxLength(64)
  phone?: string;

  /**
   * true only when the platform vouches that `phone` is the sender's own number (WhatsApp's sender number, a Telegram
   * contact the sender shared about themselves). Absent or false = unverified (typed by a widget visitor, found in a
   * text): routing stores it but never matches an existing client by it (DESIGN §7.2).
   */
  @Optional()
  @IsBoolean()
  phoneVerified?: boolean;
}

/** A file attached to an inbound message, referenced by the platform's own id (downloaded lazily by the connector). */
export class InboundAttachment {
  @IsIn(ATTACHMENT_KINDS)
  kind: AttachmentKind;

  /** Telegram file_id, WhatsApp media id, VK attachment `type+owner_id_id`, Avito image id, widget upload id. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.shortText)
  platformFileId: string;

  @Optional()
  @IsString()
  @MaxLength(255)
  mimeType?: string;

  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  fileName?: string;

  /** Size in bytes, when known. */
  @Optional()
  @IsInt()
  @Min(0)
  size?: number;
}

/** A shared geographic point (kind = location). */
export class InboundLocation {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude: number;

  /** Venue title, when the location is a venue. */
  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  title?: string;

  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  address?: string;
}

/** A shared contact card (kind = contact). */
export class InboundContact {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  phone: string;

  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  firstName?: string;

  @Optional()
  @IsString()
  @MaxLength(LIMITS.shortText)
  lastName?: string;

  /** The contact's own user id on the platform, when it has one. */
  @Optional()
  @IsString()
  @MaxLength(LIMITS.id)
  externalUserId?: string;
}

const carriesContent = (o: InboundMessageData): boolean => o.event !== InboundEvent.Delete;

/**
 * Normalized inbound message (DESIGN §6), `data` of a `message.inbound` envelope on channels.inbound.v1,
 * key `channelId:externalChatId`. The envelope carries accountId and channelId.
 *
 * Invariants beyond the field types: for `event` new/edit, kind `text` needs `text`, kind `location` needs
 * `location`, kind `contact` needs `contact`. A `delete` event only needs the ids (its content may be absent).
 */
export class InboundMessageData {
  @IsIn(CHANNEL_TYPES)
  channelType: ChannelType;

  /** The platform's message id (unique per channel, with `event: new`); used for exactly-once storage. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  externalMessageId: string;

  /** The platform's chat/conversation id (Telegram chat.id, WhatsApp wa_id, VK peer_id, Avito chat_id, widget session). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  externalChatId: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InboundSender)
  sender: InboundSender;

  @IsIn(MESSAGE_KINDS)
  kind: MessageKind;

  /** Text or media caption. Required for kind `text` (unless the event is a delete). */
  @ValidateIf((o: InboundMessageData) => o.text !== undefined || (o.kind === MessageKind.Text && carriesContent(o)))
  @IsString()
  @MaxLength(LIMITS.text)
  text?: string;

  /** Files of the message; `[]` when none. */
  @IsArray()
  @ArrayMaxSize(LIMITS.attachments)
  @ValidateNested({ each: true })
  @Type(() => InboundAttachment)
  attachments: InboundAttachment[];

  /** Required for kind `location` (unless the event is a delete). */
  @ValidateIf((o: InboundMessageData) => o.location !== undefined || (o.kind === MessageKind.Location && carriesContent(o)))
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InboundLocation)
  location?: InboundLocation;

  /** Required for kind `contact` (unless the event is a delete). */
  @ValidateIf((o: InboundMessageData) => o.contact !== undefined || (o.kind === MessageKind.Contact && carriesContent(o)))
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InboundContact)
  contact?: InboundContact;

  @Optional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.id)
  replyToExternalMessageId?: string;

  @IsIn(INBOUND_EVENTS)
  event: InboundEvent;

  /** When the platform says the message was sent (for edits: when it was edited; for deletes: when deleted, if known). */
  @IsIsoDateTime()
  sentAt: string;

  /** Free-form platform extras (e.g. the Avito listing, the WhatsApp referral); keys are not validated. */
  @Optional()
  @IsFreeFormObject()
  context?: Record<string, unknown>;
}
