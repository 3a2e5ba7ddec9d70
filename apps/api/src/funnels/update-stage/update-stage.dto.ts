import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Trim } from '../../http/trim';

export class UpdateStageDto {
  @ApiPropertyOptional({ example: 'Переговоры' })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10000, example: 1, description: 'Move the stage to this position within its funnel (0-based; clamped to the list)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  position?: number;
}
