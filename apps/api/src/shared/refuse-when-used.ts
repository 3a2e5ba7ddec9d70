import { DomainError, type ErrorCode } from '@crm/domain';

/**
 * Refuses a deletion with `code` (409) while channels depend on the target: the message names them and
 * `details.channels` lists `{ id, name }` so the UI can link to each.
 */
export function refuseWhenUsed(code: ErrorCode, channels: Array<{ id: string; name: string }>): void {
  if (channels.length === 0) return;
  throw new DomainError(code, { channels: channels.map((c) => `«${c.name}»`).join(', ') }, { channels });
}
