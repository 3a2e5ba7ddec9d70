import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNEL_TYPES, DIALOG_STATUSES, INBOUND_MESSAGE_STATUSES, MESSAGE_DIRECTIONS, MESSAGE_KINDS, OUTBOUND_MESSAGE_STATUSES } from '@crm/persistence';

export class DialogClientResponse {
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) id!: string;
  @ApiProperty({ example: 'Иван Петров' }) name!: string;
}

/** A chat of a channel (DESIGN §4). */
export class DialogResponse {
  @ApiProperty({ format: 'uuid', example: '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' }) channelId!: string;
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' }) channelType!: string;
  @ApiProperty({ example: '123456789', description: 'The platform’s chat id' }) externalChatId!: string;
  @ApiProperty({ enum: DIALOG_STATUSES, example: 'open' }) status!: string;
  @ApiProperty({ type: DialogClientResponse, nullable: true }) client!: DialogClientResponse | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' }) leadId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T10:15:30.000Z' }) lastMessageAt!: string | null;
  @ApiProperty({ type: 'integer', example: 2, description: 'Inbound messages since the dialog was last read' }) unreadCount!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { item: { id: '4012345678', title: 'Велосипед Stels', url: 'https://www.avito.ru/4012345678', price: '12 000 ₽' } },
    description: 'Platform extras of the conversation, e.g. the Avito listing',
  })
  context!: Record<string, unknown> | null;
}

export class DialogListResponse {
  @ApiProperty({ type: [DialogResponse] }) items!: DialogResponse[];
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor!: string | null;
}

export class MessageAttachmentResponse {
  @ApiProperty({ example: 'image' }) kind!: string;
  @ApiPropertyOptional({ example: 'AgACAgIAAxkBAAIB' }) platformFileId?: string;
  @ApiPropertyOptional({ example: 'image/jpeg' }) mimeType?: string;
  @ApiPropertyOptional({ example: 'photo.jpg' }) fileName?: string;
  @ApiPropertyOptional({ type: 'integer', example: 20480 }) size?: number;
}

export class MessageRevisionResponse {
  @ApiProperty({ type: String, nullable: true, example: 'Сколько стоит доставка?' }) text!: string | null;
  @ApiProperty({ type: [MessageAttachmentResponse] }) attachments!: MessageAttachmentResponse[];
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:16:00.000Z', description: 'When this content was replaced by an edit' }) editedAt!: string;
}

/** A message of a dialog (DESIGN §4). */
export class MessageResponse {
  @ApiProperty({ format: 'uuid', example: '01958b9e-2f4a-7c3d-9e8f-0a1b2c3d4e5f' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e' }) dialogId!: string;
  @ApiProperty({ enum: MESSAGE_DIRECTIONS, example: 'in' }) direction!: string;
  @ApiProperty({ enum: MESSAGE_KINDS, example: 'text' }) kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Здравствуйте! Сколько стоит доставка?' }) text!: string | null;
  @ApiProperty({ type: [MessageAttachmentResponse] }) attachments!: MessageAttachmentResponse[];
  @ApiProperty({
    enum: [...INBOUND_MESSAGE_STATUSES, ...OUTBOUND_MESSAGE_STATUSES],
    example: 'received',
    description: 'in: received; out: queued → sent → delivered → read (only forward), or failed (final, with errorCode)',
  })
  status!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why an outbound message failed (e.g. TELEGRAM_BOT_BLOCKED)' }) errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1042', description: 'The platform’s message id (null while an outbound message is queued)' }) externalId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T10:15:30.000Z' }) sentAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null }) editedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null, description: 'Set when the sender deleted the message on the platform' }) deletedAt!: string | null;
  @ApiProperty({ type: [MessageRevisionResponse], description: 'Earlier versions of an edited message, oldest first' }) revisions!: MessageRevisionResponse[];
}

export class MessageListResponse {
  @ApiProperty({ type: [MessageResponse], description: 'Newest first' }) items!: MessageResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
