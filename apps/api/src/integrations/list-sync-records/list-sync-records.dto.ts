import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SYNC_STATES } from '@crm/persistence';
import { ListQueryDto } from '../../http/pagination';

export class ListSyncRecordsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: SYNC_STATES, description: 'Only records in this state' })
  @IsOptional()
  @IsIn(SYNC_STATES)
  state?: string;
}
