import { ApiProperty } from '@nestjs/swagger';

export class IntegrationResponse {
  @ApiProperty({ format: 'uuid', example: '3c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) id!: string;
  @ApiProperty({ enum: ['bitrix24', 'amocrm'], example: 'bitrix24' }) type!: string;
  @ApiProperty({ example: 'Bitrix24 отдела продаж' }) name!: string;
  @ApiProperty({ enum: ['active', 'inactive', 'error'], example: 'active' }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Stable code explaining status error (e.g. PLATFORM_UNAVAILABLE)' })
  statusReason!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Settings with every secret masked (••••xY); derived facts such as the Bitrix24 portal are added',
    example: { webhookUrl: 'https://example.bitrix24.ru/rest/1/••••9z/', portal: 'example.bitrix24.ru', userId: 1 },
  })
  settings!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T09:00:00.000Z' }) updatedAt!: string;
}

export class IntegrationListResponse {
  @ApiProperty({ type: [IntegrationResponse] }) items!: IntegrationResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
