import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { DIALOG_STATUSES } from '@crm/persistence';
import { ListQueryDto } from '../../http/pagination';

export class ListDialogsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only dialogs of this channel', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' })
  @IsOptional()
  @IsUUID('all')
  channelId?: string;

  @ApiPropertyOptional({ enum: DIALOG_STATUSES })
  @IsOptional()
  @IsIn(DIALOG_STATUSES)
  status?: 'open' | 'closed';
}
