import type { VisitorScope } from '../../conversation/visitor-conversation.port';

export interface AcknowledgeRepliesCommand {
  scope: VisitorScope;
  /** Agent message ids the visitor's widget received (`delivered`) or showed in the open chat (`read`). */
  messageIds: string[];
  status: 'delivered' | 'read';
}
