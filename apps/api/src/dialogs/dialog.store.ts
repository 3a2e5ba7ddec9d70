import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '@crm/domain';
import type { DialogResponse, MessageResponse, MessageRevisionResponse } from './dialog.dto';

type Queryable = Pick<DataSource | EntityManager, 'query'>;

export interface DialogRow {
  id: string;
  channel_id: string;
  channel_type: string;
  external_chat_id: string;
  status: string;
  client_id: string | null;
  client_name: string | null;
  lead_id: string | null;
  last_message_at: Date | null;
  unread_count: number;
  context: Record<string, unknown> | null;
  /** COALESCE(last_message_at, created_at) with full microsecond precision, for the keyset cursor. */
  sort_v: string;
}

export interface MessageRow {
  id: string;
  dialog_id: string;
  direction: string;
  kind: string;
  text: string | null;
  attachments: Array<Record<string, unknown>>;
  status: string;
  error_code: string | null;
  external_id: string | null;
  sent_at: Date | null;
  edited_at: Date | null;
  deleted_at: Date | null;
}

/** Every dialog query of the API selects this, scoped to one account by the caller's WHERE. */
export const DIALOG_SELECT = `
  SELECT d.id, d.channel_id, c.type AS channel_type, d.external_chat_id, d.status, d.client_id, cl.name AS client_name,
         d.lead_id, d.last_message_at, d.unread_count, d.context,
         to_char(COALESCE(d.last_message_at, d.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_v
    FROM dialogs d
    JOIN channels c ON c.id = d.channel_id AND c.account_id = d.account_id
    LEFT JOIN clients cl ON cl.id = d.client_id AND cl.account_id = d.account_id`;

/** The columns of a MessageRow (for SELECT and RETURNING). */
export const MESSAGE_COLUMNS = 'id, dialog_id, direction, kind, text, attachments, status, error_code, external_id, sent_at, edited_at, deleted_at';

export const MESSAGE_SELECT = `SELECT ${MESSAGE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')} FROM messages m`;

/** The account's dialog, or DIALOG_NOT_FOUND (also for another account's id). */
export async function requireDialog(db: Queryable, accountId: string, id: string): Promise<DialogRow> {
  const [row] = (await db.query(`${DIALOG_SELECT} WHERE d.account_id = $1 AND d.id = $2`, [accountId, id])) as DialogRow[];
  if (!row) throw new DomainError(ErrorCode.DIALOG_NOT_FOUND);
  return row;
}

/** Earlier versions of the given messages, oldest first. */
export async function revisionsOf(db: Queryable, accountId: string, messageIds: string[]): Promise<Map<string, MessageRevisionResponse[]>> {
  const out = new Map<string, MessageRevisionResponse[]>();
  if (messageIds.length === 0) return out;
  const rows = (await db.query(
    `SELECT message_id, text, attachments, edited_at FROM message_revisions
      WHERE account_id = $1 AND message_id = ANY($2::uuid[]) ORDER BY edited_at, id`,
    [accountId, messageIds],
  )) as Array<{ message_id: string; text: string | null; attachments: MessageRevisionResponse['attachments']; edited_at: Date }>;
  for (const r of rows) {
    const list = out.get(r.message_id) ?? [];
    list.push({ text: r.text, attachments: r.attachments ?? [], editedAt: r.edited_at.toISOString() });
    out.set(r.message_id, list);
  }
  return out;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentDialog(row: DialogRow): DialogResponse {
  return {
    id: row.id,
    channelId: row.channel_id,
    channelType: row.channel_type,
    externalChatId: row.external_chat_id,
    status: row.status,
    client: row.client_id ? { id: row.client_id, name: row.client_name ?? '' } : null,
    leadId: row.lead_id,
    lastMessageAt: iso(row.last_message_at),
    unreadCount: row.unread_count,
    context: row.context ?? null,
  };
}

export function presentMessage(row: MessageRow, revisions: MessageRevisionResponse[] = []): MessageResponse {
  return {
    id: row.id,
    dialogId: row.dialog_id,
    direction: row.direction,
    kind: row.kind,
    text: row.text,
    attachments: (row.attachments ?? []) as unknown as MessageResponse['attachments'],
    status: row.status,
    errorCode: row.error_code,
    externalId: row.external_id,
    sentAt: iso(row.sent_at),
    editedAt: iso(row.edited_at),
    deletedAt: iso(row.deleted_at),
    revisions,
  };
}
