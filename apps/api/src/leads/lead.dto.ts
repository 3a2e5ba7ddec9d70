import { ApiProperty } from '@nestjs/swagger';
import { LEAD_STATUSES, SYNC_STATES } from '@crm/persistence';

/** Where the lead stands in one external CRM (from integration_sync_jobs). */
export class LeadSyncResponse {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) integrationId!: string;
  @ApiProperty({ enum: SYNC_STATES, example: 'synced' }) state!: string;
  @ApiProperty({ type: String, nullable: true, example: '4521', description: 'The lead’s id in the external CRM once synced' }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) error!: string | null;
}

export class LeadResponse {
  @ApiProperty({ format: 'uuid', example: '6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) clientId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', description: 'null: unsorted lead (channel without funnel)' }) funnelId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b' }) stageId!: string | null;
  @ApiProperty({ format: 'uuid', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' }) channelId!: string;
  @ApiProperty({ format: 'uuid', example: '8f14e45f-ceea-467f-a0e6-8b2b8a7c1d2e' }) dialogId!: string;
  @ApiProperty({ example: 'Иван Петров — Telegram бот' }) title!: string;
  @ApiProperty({ enum: LEAD_STATUSES, example: 'open' }) status!: string;
  @ApiProperty({ type: [LeadSyncResponse], description: 'May be empty (no integration, or not synced yet)' }) sync!: LeadSyncResponse[];
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

export class LeadListResponse {
  @ApiProperty({ type: [LeadResponse] }) items!: LeadResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
