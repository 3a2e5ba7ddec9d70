import { Injectable } from '@nestjs/common';
import type { CrmEventData, EventEnvelope, InboundMessageData, OutboundMessageData } from '@crm/contracts';
import { encodeCursor } from '@crm/widget-visitor';
import { VisitorConversations } from '../../conversation/visitor-conversation.port';
import { attachmentViews, clientMessageIdOf, WidgetMessageView } from '../../conversation/widget-message.view';
import type { WidgetRecord } from '../../delivery/widget-envelope.filter';
import { LiveConnections } from '../live-connections.registry';

/**
 * Pushes a widget record to the visitor's pages open on this instance: an agent reply (the page acknowledges it,
 * which reports `delivered`), the visitor's own message (so their other tabs show it too), or the news that the CRM
 * stored a visitor message (the page shows it `delivered`). Returns how many pages took it.
 */
@Injectable()
export class FanOutUseCase {
  constructor(
    private readonly connections: LiveConnections,
    private readonly conversations: VisitorConversations,
  ) {}

  async execute(record: WidgetRecord): Promise<number> {
    if (record.kind === 'reply') return this.reply(record.envelope);
    if (record.kind === 'visitor-message') return this.visitorMessage(record.envelope);
    if (record.kind === 'stored-message') return this.storedMessage(record.envelope);
    return 0;
  }

  private async storedMessage(envelope: EventEnvelope<CrmEventData>): Promise<number> {
    const channelId = envelope.channelId!;
    if (!envelope.data.messageId || !this.connections.watches(channelId)) return 0;
    const stored = await this.conversations.storedVisitorMessage(envelope.accountId, channelId, envelope.data.messageId);
    if (!stored) return 0;
    return this.connections.push(envelope.accountId, channelId, stored.visitorId, { type: 'message', message: stored.message });
  }

  private reply(envelope: EventEnvelope<OutboundMessageData>): number {
    const data = envelope.data;
    const attachments = attachmentViews(data.attachments);
    const createdAt = new Date(envelope.occurredAt);
    const message: WidgetMessageView = {
      key: data.messageId,
      id: data.messageId,
      clientMessageId: null,
      author: 'agent',
      kind: data.text.trim() || attachments.length === 0 ? 'text' : attachments[0].kind,
      text: data.text,
      attachments,
      status: 'sent',
      createdAt: createdAt.toISOString(),
      cursor: encodeCursor({ createdAt, id: data.messageId }),
    };
    return this.connections.push(envelope.accountId, envelope.channelId!, data.externalChatId, { type: 'message', message });
  }

  private visitorMessage(envelope: EventEnvelope<InboundMessageData>): number {
    const data = envelope.data;
    if (data.event !== 'new' || data.sender.externalUserId !== data.externalChatId) return 0;
    const clientMessageId = clientMessageIdOf(data.externalMessageId, data.externalChatId);
    const message: WidgetMessageView = {
      key: clientMessageId ?? data.externalMessageId,
      id: null,
      clientMessageId,
      author: 'visitor',
      kind: data.kind,
      text: data.text ?? null,
      attachments: [],
      status: 'sent',
      createdAt: new Date(data.sentAt).toISOString(),
      cursor: null,
    };
    return this.connections.push(envelope.accountId, envelope.channelId!, data.externalChatId, { type: 'message', message });
  }
}
