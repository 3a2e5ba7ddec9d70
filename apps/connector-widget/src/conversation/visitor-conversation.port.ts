import type { HistoryPosition } from '@crm/widget-visitor';
import type { WidgetMessageView } from './widget-message.view';

/** One visitor's conversation on one widget channel of one account — every read is scoped by all three. */
export interface VisitorScope {
  accountId: string;
  channelId: string;
  visitorId: string;
}

export interface HistoryQuery {
  /** Older than this position (paging back). */
  before?: HistoryPosition;
  /** At or after this position (catch-up after a gap; may repeat messages the client has, it dedupes by key). */
  after?: HistoryPosition;
  limit: number;
}

export interface HistoryPage {
  /** Oldest first. */
  items: WidgetMessageView[];
  /** More messages exist beyond the page (older for `before`/latest, newer for `after`). */
  hasMore: boolean;
}

export interface OutboundState {
  id: string;
  status: string;
}

/** Port: the stored conversation of a visitor (dialogs + messages written by lead-routing and the api). */
export abstract class VisitorConversations {
  abstract history(scope: VisitorScope, query: HistoryQuery): Promise<HistoryPage>;
  /** The agent messages among `ids` that belong to this visitor's dialog, with their current status. */
  abstract outboundStates(scope: VisitorScope, ids: string[]): Promise<OutboundState[]>;
  /** A stored visitor message of a widget channel, with the visitor it belongs to; null when it is none of that. */
  abstract storedVisitorMessage(accountId: string, channelId: string, messageId: string): Promise<{ visitorId: string; message: WidgetMessageView } | null>;
}
