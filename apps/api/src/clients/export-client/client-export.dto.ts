import { ApiProperty } from '@nestjs/swagger';
import { ClientIdentityResponse, PossibleDuplicateResponse } from '../client.dto';

export class ExportedClient {
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) id!: string;
  @ApiProperty({ example: 'Иван Петров' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: '+79001234567' }) phone!: string | null;
  @ApiProperty({ example: true }) phoneVerified!: boolean;
  @ApiProperty({ type: String, nullable: true, example: null }) email!: string | null;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

export class ExportedRevision {
  @ApiProperty({ type: String, nullable: true, example: 'Здравствуйте' }) text!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [] }) attachments!: unknown[];
  @ApiProperty({ example: '2026-03-01T10:16:00.000Z' }) editedAt!: string;
}

export class ExportedMessage {
  @ApiProperty({ format: 'uuid', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' }) id!: string;
  @ApiProperty({ enum: ['in', 'out'], example: 'in' }) direction!: string;
  @ApiProperty({ example: 'text' }) kind!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Здравствуйте! Можно заказать торт?' }) text!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, example: [], description: 'Attachment references as received (kind, platformFileId, mimeType, fileName, size)' })
  attachments!: unknown[];
  @ApiProperty({ type: 'object', nullable: true, example: null, additionalProperties: true }) location!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', nullable: true, example: null, additionalProperties: true }) contact!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', nullable: true, example: null, additionalProperties: true }) context!: Record<string, unknown> | null;
  @ApiProperty({ example: 'received' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) errorCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1042' }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) sentAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) editedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) deletedAt!: string | null;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
  @ApiProperty({ type: [ExportedRevision], description: 'Earlier versions of an edited message' }) revisions!: ExportedRevision[];
}

export class ExportedDialog {
  @ApiProperty({ format: 'uuid', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) channelId!: string;
  @ApiProperty({ example: 'telegram' }) channelType!: string;
  @ApiProperty({ example: '123456789' }) externalChatId!: string;
  @ApiProperty({ enum: ['open', 'closed'], example: 'open' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) leadId!: string | null;
  @ApiProperty({ type: 'object', nullable: true, example: null, additionalProperties: true }) context!: Record<string, unknown> | null;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
  @ApiProperty({ type: [ExportedMessage] }) messages!: ExportedMessage[];
}

export class ExportedLead {
  @ApiProperty({ format: 'uuid', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' }) dialogId!: string;
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) channelId!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) funnelId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) stageId!: string | null;
  @ApiProperty({ example: 'Иван Петров — Telegram бот' }) title!: string;
  @ApiProperty({ enum: ['open', 'won', 'lost'], example: 'open' }) status!: string;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

export class ExportedSyncRecord {
  @ApiProperty({ format: 'uuid', example: '0b7f2f5e-3a49-4c1e-9d0e-6a1f2b3c4d5e' }) id!: string;
  @ApiProperty({ format: 'uuid', example: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) integrationId!: string;
  @ApiProperty({ enum: ['client', 'lead', 'message'], example: 'lead' }) entity!: string;
  @ApiProperty({ format: 'uuid', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' }) entityId!: string;
  @ApiProperty({ type: String, nullable: true, example: null }) leadId!: string | null;
  @ApiProperty({ enum: ['pending', 'synced', 'failed'], example: 'synced' }) state!: string;
  @ApiProperty({ type: String, nullable: true, example: '42' }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) error!: string | null;
  @ApiProperty({ type: 'integer', example: 1 }) attempts!: number;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) updatedAt!: string;
}

export class ExportedMerge {
  @ApiProperty({ format: 'uuid', example: '9b2c4f1e-7d3a-4e5b-8c6d-1a2b3c4d5e6f' }) mergedClientId!: string;
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) intoClientId!: string;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) mergedAt!: string;
}

/** GET /clients/:id/export: everything held about the client (152-FZ / GDPR access request). */
export class ClientExportResponse {
  @ApiProperty({ example: '2026-03-02T08:00:00.000Z' }) exportedAt!: string;
  @ApiProperty({ type: ExportedClient }) client!: ExportedClient;
  @ApiProperty({ type: [ClientIdentityResponse] }) identities!: ClientIdentityResponse[];
  @ApiProperty({ type: [PossibleDuplicateResponse] }) possibleDuplicates!: PossibleDuplicateResponse[];
  @ApiProperty({ type: [ExportedLead] }) leads!: ExportedLead[];
  @ApiProperty({ type: [ExportedSyncRecord], description: 'What was forwarded to external CRMs, and its state' }) syncRecords!: ExportedSyncRecord[];
  @ApiProperty({ type: [ExportedMerge], description: 'Merges this client took part in' }) merges!: ExportedMerge[];
  @ApiProperty({ type: [ExportedDialog], description: 'Every dialog with every message, oldest first' }) dialogs!: ExportedDialog[];
}
