import { Injectable } from '@nestjs/common';
import { VisitorConversations } from '../../conversation/visitor-conversation.port';
import { WidgetEventPublisher } from '../../delivery/widget-event.publisher';
import { AcknowledgeRepliesCommand } from './acknowledge-replies.command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3 };
export const MAX_ACK_IDS = 100;

/**
 * The widget confirmed that agent replies reached the visitor's page (`delivered`) or were shown in the open chat
 * (`read`): publish `message.status` for the replies of this visitor's own dialog whose stored status is behind —
 * ids of other dialogs, inbound messages and failed replies are ignored.
 */
@Injectable()
export class AcknowledgeRepliesUseCase {
  constructor(
    private readonly conversations: VisitorConversations,
    private readonly publisher: WidgetEventPublisher,
  ) {}

  async execute(command: AcknowledgeRepliesCommand): Promise<string[]> {
    const ids = [...new Set(command.messageIds.filter((id) => typeof id === 'string' && UUID.test(id)).map((id) => id.toLowerCase()))].slice(0, MAX_ACK_IDS);
    if (ids.length === 0) return [];
    const states = await this.conversations.outboundStates(command.scope, ids);
    const target = RANK[command.status];
    const behind = states.filter((s) => s.status in RANK && RANK[s.status] < target);
    const at = new Date();
    // `read` implies `delivered`: report both so the CRM sees every step even when the visitor was quick.
    const steps = command.status === 'read' ? (['delivered', 'read'] as const) : (['delivered'] as const);
    await this.publisher.statuses(
      behind.flatMap((s) =>
        steps
          .filter((step) => RANK[s.status] < RANK[step])
          .map((step) => ({ accountId: command.scope.accountId, channelId: command.scope.channelId, externalChatId: command.scope.visitorId, messageId: s.id, status: step, at })),
      ),
    );
    return behind.map((s) => s.id);
  }
}
