import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { LEAD_STATUSES, type LeadStatus } from '@crm/persistence';

export class UpdateLeadDto {
  @ApiPropertyOptional({
    format: 'uuid',
    example: '7c2a5d2f-3e4b-4f6a-9bac-1d2e3f4a5b6c',
    description: 'Move the lead to this stage of its funnel (an unsorted lead is sorted into the stage’s funnel)',
  })
  @IsOptional()
  @IsUUID('all')
  stageId?: string;

  @ApiPropertyOptional({ enum: LEAD_STATUSES, example: 'won', description: 'won / lost closes the lead: routing no longer links new conversations to it' })
  @IsOptional()
  @IsIn(LEAD_STATUSES)
  status?: LeadStatus;
}
