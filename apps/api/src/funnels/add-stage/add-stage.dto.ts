import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { NewStageDto } from '../create-funnel/create-funnel.dto';

export class CreateStageDto extends NewStageDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10000, example: 1, description: 'Where to insert it (0-based); at the end when omitted' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  position?: number;
}
