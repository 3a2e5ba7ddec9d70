import { ApiProperty } from '@nestjs/swagger';

export class StageResponse {
  @ApiProperty({ format: 'uuid', example: '6b1f4c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b' }) id!: string;
  @ApiProperty({ example: 'Новый лид' }) name!: string;
  @ApiProperty({ type: 'integer', example: 0, description: '0-based order within the funnel' }) position!: number;
}

export class FunnelResponse {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ example: 'Продажи' }) name!: string;
  @ApiProperty({ type: 'integer', example: 0, description: '0-based order among the account\'s funnels' }) position!: number;
  @ApiProperty({ type: [StageResponse] }) stages!: StageResponse[];
}

export class FunnelListResponse {
  @ApiProperty({ type: [FunnelResponse] }) items!: FunnelResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
