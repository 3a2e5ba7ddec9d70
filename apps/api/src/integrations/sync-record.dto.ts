import { ApiProperty } from '@nestjs/swagger';
import { SYNC_ENTITY_TYPES, SYNC_STATES } from '@crm/persistence';

/** One record's sync state towards an integration (DESIGN §7a). */
export class SyncRecordResponse {
  @ApiProperty({ format: 'uuid', example: '0b7f2f5e-3a49-4c1e-9d0e-6a1f2b3c4d5e' }) id!: string;
  @ApiProperty({ enum: SYNC_ENTITY_TYPES, example: 'message', description: 'client → contact, lead → lead, message → comment on the lead' }) entity!: string;
  @ApiProperty({ format: 'uuid', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f', description: 'Our client / lead / message id' }) entityId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' }) leadId!: string | null;
  @ApiProperty({ enum: SYNC_STATES, example: 'failed' }) state!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'The record’s id in the CRM once synced' }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'BITRIX24_INVALID_ARG_VALUE', description: 'Stable code of the last failure' }) error!: string | null;
  @ApiProperty({ type: 'integer', example: 5 }) attempts!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:15:30.000Z' }) updatedAt!: string;
}

export class SyncRecordListResponse {
  @ApiProperty({ type: [SyncRecordResponse] }) items!: SyncRecordResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
