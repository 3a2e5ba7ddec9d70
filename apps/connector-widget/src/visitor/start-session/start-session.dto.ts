import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

/** The pre-chat form as the visitor filled it in (formats are checked by the use-case). */
export class VisitorProfileDto {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}

/** POST /widget/v1/:key/session — start a session, or resume the one of `token` (optionally with the pre-chat form). */
export class StartSessionDto {
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  token?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VisitorProfileDto)
  profile?: VisitorProfileDto;
}
