import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/** GET /widget/v1/:key/messages?limit=&before=|after= */
export class ReadHistoryDto {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  /** Older than this cursor (paging back). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  before?: string;

  /** From this cursor on (catch-up after a gap). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;
}
