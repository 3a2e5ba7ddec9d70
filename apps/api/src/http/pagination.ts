import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DomainError, ErrorCode } from '@crm/domain';

/** `?limit=&cursor=` of every list endpoint. */
export class ListQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page (nextCursor)', pattern: '^[A-Za-z0-9_-]{1,200}$' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset cursor over (sortValue, id): stable under inserts, no OFFSET scans. */
export interface CursorPosition {
  v: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPosition>;
    if (typeof parsed.v === 'string' && typeof parsed.id === 'string') return { v: parsed.v, id: parsed.id };
  } catch {
    // fall through
  }
  throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: 'cursor', constraints: ['cursor is not valid'] }]);
}

/** Builds a page from rows fetched with `limit + 1` (the extra row tells whether there is a next page). */
export function toPage<R, T>(rows: R[], limit: number, position: (row: R) => CursorPosition, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: hasMore ? encodeCursor(position(items[items.length - 1])) : null };
}
