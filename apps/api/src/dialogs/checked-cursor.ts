import { DomainError, ErrorCode } from '@crm/domain';
import { decodeCursor, type CursorPosition } from '../http/pagination';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = () => new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: 'cursor', constraints: ['cursor is not valid'] }]);

/**
 * decodeCursor plus the types the keyset query will cast the position to (`v` a timestamp or a uuid, `id` a uuid),
 * so a tampered cursor answers 400 instead of reaching Postgres as a bad cast.
 */
export function checkedCursor(cursor: string | undefined, v: 'timestamp' | 'uuid'): CursorPosition | undefined {
  const position = decodeCursor(cursor);
  if (!position) return undefined;
  if (!UUID.test(position.id)) throw invalid();
  if (v === 'uuid' ? !UUID.test(position.v) : !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(position.v) || Number.isNaN(Date.parse(position.v))) throw invalid();
  return position;
}
