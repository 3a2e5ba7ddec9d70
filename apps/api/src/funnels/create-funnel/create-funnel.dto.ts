import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { Trim } from '../../http/trim';

export class NewStageDto {
  @ApiProperty({ example: 'Новый лид', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class CreateFunnelDto {
  @ApiProperty({ example: 'Продажи', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 10000, example: 0, description: 'Where to insert it (0-based); at the end when omitted' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  position?: number;

  @ApiPropertyOptional({ type: [NewStageDto], example: [{ name: 'Новый лид' }, { name: 'В работе' }, { name: 'Оплачен' }], description: 'Initial stages, in order' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  // Without it, an element that is itself an array passes ValidateNested (class-validator validates its items instead).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => NewStageDto)
  stages?: NewStageDto[];
}
