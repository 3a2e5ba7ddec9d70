import { Injectable } from '@nestjs/common';
import { decodeCursor } from '@crm/widget-visitor';
import { WidgetChannel } from '../../channels/widget-channel.port';
import { HistoryPage, VisitorConversations, VisitorScope } from '../../conversation/visitor-conversation.port';
import { VisitorAccess } from '../../visitor/visitor-access.service';
import { AdmitConnectionCommand, AuthenticateConnectionCommand } from './connect-visitor.command';

/** Most messages one catch-up frame carries; beyond it the page reloads its history. */
export const CATCH_UP_LIMIT = 100;

/**
 * A page opens its live connection in two steps: the upgrade is admitted for an active channel and an allowed
 * origin; then the first frame carries the visitor token (never the URL, which proxies log), and the messages
 * after the page's last cursor come back at once.
 */
@Injectable()
export class ConnectVisitorUseCase {
  constructor(
    private readonly access: VisitorAccess,
    private readonly conversations: VisitorConversations,
  ) {}

  admit(command: AdmitConnectionCommand): Promise<WidgetChannel> {
    return this.access.channel(command.publicKey, command.origin, { originRequired: false });
  }

  async authenticate(command: AuthenticateConnectionCommand): Promise<VisitorScope> {
    const channel = await this.access.channel(command.publicKey, command.origin, { originRequired: false });
    const visitor = this.access.visitor(channel, command.token);
    return { accountId: channel.accountId, channelId: channel.id, visitorId: visitor.visitorId };
  }

  /** Messages from `after` on (with an overlap the page dedupes); null when there is no usable cursor. */
  async catchUp(scope: VisitorScope, after: string | undefined): Promise<HistoryPage | null> {
    const position = decodeCursor(after);
    if (!position) return null;
    return this.conversations.history(scope, { after: position, limit: CATCH_UP_LIMIT });
  }
}
