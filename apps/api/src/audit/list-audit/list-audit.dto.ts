import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ListQueryDto } from '../../http/pagination';
import { AUDIT_ACTIONS } from '../audit-log';

export class ListAuditQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, description: 'Only entries of this action' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only entries about this row (e.g. a client id)' })
  @IsOptional()
  @IsUUID()
  entityId?: string;
}
