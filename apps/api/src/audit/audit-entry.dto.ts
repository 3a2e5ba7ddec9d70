import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_ENTITIES } from './audit-log';

/** One audited action on personal data (DESIGN §4). */
export class AuditEntryResponse {
  @ApiProperty({ format: 'uuid', example: '9b2c4f1e-7d3a-4e5b-8c6d-1a2b3c4d5e6f' }) id!: string;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) at!: string;
  @ApiProperty({ example: 'user-42', description: 'Who did it (the JWT `sub`)' }) userId!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS, example: 'client.erased' }) action!: string;
  @ApiProperty({ enum: AUDIT_ENTITIES, example: 'client' }) entity!: string;
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) entityId!: string;
}

export class AuditListResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items!: AuditEntryResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
