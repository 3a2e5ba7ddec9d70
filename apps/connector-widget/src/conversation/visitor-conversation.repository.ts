import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HistoryPage, HistoryQuery, OutboundState, VisitorConversations, VisitorScope } from './visitor-conversation.port';
import { storedMessageView, WidgetMessageView } from './widget-message.view';

/** Catch-up starts this much before the client's last position: rows commit out of created_at order under load. */
const CATCH_UP_OVERLAP_MS = 10_000;

interface MessageRow {
  id: string;
  direction: string;
  kind: string;
  text: string | null;
  attachments: unknown;
  status: string;
  external_id: string | null;
  created_at: Date;
}

/**
 * Reads the visitor's dialog (channel + externalChatId = visitor id) from the tables lead-routing and the api write,
 * so history has both the visitor's messages and the agents' replies. Every query is scoped by account, channel and
 * visitor; positions compare at millisecond precision (what a cursor carries).
 */
@Injectable()
export class VisitorConversationRepository extends VisitorConversations {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async history(scope: VisitorScope, query: HistoryQuery): Promise<HistoryPage> {
    const params: unknown[] = [scope.accountId, scope.channelId, scope.visitorId];
    let position = '';
    let order = 'DESC';
    if (query.after) {
      params.push(new Date(query.after.createdAt.getTime() - CATCH_UP_OVERLAP_MS));
      position = `AND date_trunc('milliseconds', m.created_at) >= $${params.length}`;
      order = 'ASC';
    } else if (query.before) {
      params.push(query.before.createdAt, query.before.id);
      position = `AND (date_trunc('milliseconds', m.created_at), m.id) < ($${params.length - 1}, $${params.length})`;
    }
    params.push(query.limit + 1);
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT m.id, m.direction, m.kind, m.text, m.attachments, m.status, m.external_id, m.created_at
         FROM dialogs d
         JOIN messages m ON m.dialog_id = d.id AND m.account_id = d.account_id AND m.channel_id = d.channel_id
        WHERE d.account_id = $1 AND d.channel_id = $2 AND d.external_chat_id = $3
          AND m.deleted_at IS NULL
          ${position}
        ORDER BY date_trunc('milliseconds', m.created_at) ${order}, m.id ${order}
        LIMIT $${params.length}`,
      params,
    );
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    if (order === 'DESC') page.reverse();
    return {
      items: page.map((r) =>
        storedMessageView(
          { id: r.id, direction: r.direction, kind: r.kind, text: r.text, attachments: r.attachments, status: r.status, externalId: r.external_id, createdAt: r.created_at },
          scope.visitorId,
        ),
      ),
      hasMore,
    };
  }

  async storedVisitorMessage(accountId: string, channelId: string, messageId: string): Promise<{ visitorId: string; message: WidgetMessageView } | null> {
    const [row]: Array<MessageRow & { visitor_id: string }> = await this.dataSource.query(
      `SELECT m.id, m.direction, m.kind, m.text, m.attachments, m.status, m.external_id, m.created_at, d.external_chat_id AS visitor_id
         FROM messages m
         JOIN dialogs d ON d.id = m.dialog_id AND d.account_id = m.account_id AND d.channel_id = m.channel_id
         JOIN channels c ON c.id = m.channel_id AND c.account_id = m.account_id
        WHERE m.id = $1 AND m.account_id = $2 AND m.channel_id = $3 AND m.direction = 'in' AND c.type = 'widget'`,
      [messageId, accountId, channelId],
    );
    if (!row) return null;
    return {
      visitorId: row.visitor_id,
      message: storedMessageView(
        { id: row.id, direction: row.direction, kind: row.kind, text: row.text, attachments: row.attachments, status: row.status, externalId: row.external_id, createdAt: row.created_at },
        row.visitor_id,
      ),
    };
  }

  async outboundStates(scope: VisitorScope, ids: string[]): Promise<OutboundState[]> {
    if (ids.length === 0) return [];
    return this.dataSource.query(
      `SELECT m.id, m.status
         FROM dialogs d
         JOIN messages m ON m.dialog_id = d.id AND m.account_id = d.account_id AND m.channel_id = d.channel_id
        WHERE d.account_id = $1 AND d.channel_id = $2 AND d.external_chat_id = $3
          AND m.direction = 'out' AND m.id = ANY($4::uuid[])`,
      [scope.accountId, scope.channelId, scope.visitorId, ids],
    );
  }
}
