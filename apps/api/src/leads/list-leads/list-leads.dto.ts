import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { LEAD_STATUSES } from '@crm/persistence';
import { ListQueryDto } from '../../http/pagination';

export class ListLeadsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: LEAD_STATUSES })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' })
  @IsOptional()
  @IsUUID('all')
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d' })
  @IsOptional()
  @IsUUID('all')
  funnelId?: string;
}
