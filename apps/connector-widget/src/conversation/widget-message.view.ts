import { encodeCursor } from '@crm/widget-visitor';

/** Who wrote a message, from the visitor's point of view. */
export type WidgetAuthor = 'visitor' | 'agent';

export interface WidgetAttachmentView {
  kind: string;
  /** http(s) link to the file, when the CRM gave one. */
  url: string | null;
  fileName: string | null;
  mimeType: string | null;
  size: number | null;
}

/**
 * One message of the visitor's conversation as the widget shows it (history, live push, catch-up).
 * `key` identifies it on the client across all three: the clientMessageId for the visitor's own messages (known before
 * the CRM stores them), our message id for the agent's.
 */
export interface WidgetMessageView {
  key: string;
  /** Our message id (messages.id); null for a visitor message the CRM has not stored yet. */
  id: string | null;
  clientMessageId: string | null;
  author: WidgetAuthor;
  kind: string;
  text: string | null;
  attachments: WidgetAttachmentView[];
  /**
   * visitor messages: `sent` (durably accepted) → `delivered` (stored in the CRM dialog);
   * agent messages: the CRM's outbound status (queued, sent, delivered, read, failed).
   */
  status: string;
  createdAt: string;
  /** Position for catch-up (`after`) and paging (`before`). */
  cursor: string | null;
}

/** externalMessageId of a visitor message: the visitor id scopes the client's id so visitors can never collide. */
export function visitorExternalMessageId(visitorId: string, clientMessageId: string): string {
  return `${visitorId}:${clientMessageId}`;
}

export function clientMessageIdOf(externalId: string | null, visitorId: string): string | null {
  if (!externalId) return null;
  return externalId.startsWith(`${visitorId}:`) ? externalId.slice(visitorId.length + 1) : externalId;
}

export function attachmentViews(raw: unknown): WidgetAttachmentView[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((a): a is Record<string, unknown> => a !== null && typeof a === 'object')
    .map((a) => ({
      kind: typeof a.kind === 'string' ? a.kind : 'document',
      url: typeof a.url === 'string' && /^https?:\/\//i.test(a.url) ? a.url : null,
      fileName: typeof a.fileName === 'string' ? a.fileName : null,
      mimeType: typeof a.mimeType === 'string' ? a.mimeType : null,
      size: typeof a.size === 'number' ? a.size : null,
    }));
}

/** A stored message (messages row of the visitor's dialog) as the widget shows it. */
export function storedMessageView(
  row: { id: string; direction: string; kind: string; text: string | null; attachments: unknown; status: string; externalId: string | null; createdAt: Date },
  visitorId: string,
): WidgetMessageView {
  const fromVisitor = row.direction === 'in';
  const clientMessageId = fromVisitor ? clientMessageIdOf(row.externalId, visitorId) : null;
  return {
    key: fromVisitor ? (clientMessageId ?? row.id) : row.id,
    id: row.id,
    clientMessageId,
    author: fromVisitor ? 'visitor' : 'agent',
    kind: row.kind,
    text: row.text,
    attachments: attachmentViews(row.attachments),
    status: fromVisitor ? 'delivered' : row.status,
    createdAt: row.createdAt.toISOString(),
    cursor: encodeCursor({ createdAt: row.createdAt, id: row.id }),
  };
}
