import { ApiProperty } from '@nestjs/swagger';

/** What is left of an erased client: anonymous counts (the rows stay, without personal data). */
export class EraseClientResponse {
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) clientId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:15:30.000Z' }) erasedAt!: string;
  @ApiProperty({ type: 'integer', example: 2, description: 'Dialogs kept without personal data (closed, detached from the platform chat)' }) dialogs!: number;
  @ApiProperty({ type: 'integer', example: 37, description: 'Messages kept without texts, attachments or platform ids' }) messages!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Leads kept (their title no longer names the client)' }) leads!: number;
  @ApiProperty({ type: 'integer', example: 2, description: 'Platform identities deleted' }) identities!: number;
}
