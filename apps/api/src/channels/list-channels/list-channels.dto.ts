import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CHANNEL_STATUSES, CHANNEL_TYPES } from '@crm/persistence';
import { ListQueryDto } from '../../http/pagination';

export class ListChannelsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: CHANNEL_TYPES })
  @IsOptional()
  @IsIn(CHANNEL_TYPES)
  type?: string;

  @ApiPropertyOptional({ enum: CHANNEL_STATUSES })
  @IsOptional()
  @IsIn(CHANNEL_STATUSES)
  status?: string;
}
