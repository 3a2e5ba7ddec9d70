import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import { decodeCursor, HistoryPosition } from '@crm/widget-visitor';
import { HistoryPage, VisitorConversations } from '../../conversation/visitor-conversation.port';
import { VisitorAccess } from '../visitor-access.service';
import { ReadHistoryCommand } from './read-history.command';

export const DEFAULT_HISTORY_LIMIT = 50;

/** The visitor's own conversation (their messages and the agents' replies), latest page first or around a cursor. */
@Injectable()
export class ReadHistoryUseCase {
  constructor(
    private readonly access: VisitorAccess,
    private readonly conversations: VisitorConversations,
  ) {}

  async execute(command: ReadHistoryCommand): Promise<HistoryPage> {
    const channel = await this.access.channel(command.publicKey, command.origin, { originRequired: false });
    const visitor = this.access.visitor(channel, command.token);
    if (command.before !== undefined && command.after !== undefined) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path: 'after', constraints: ['use either before or after, not both'] }]);
    }
    return this.conversations.history(
      { accountId: channel.accountId, channelId: channel.id, visitorId: visitor.visitorId },
      { before: position(command.before, 'before'), after: position(command.after, 'after'), limit: command.limit ?? DEFAULT_HISTORY_LIMIT },
    );
  }
}

function position(cursor: string | undefined, path: string): HistoryPosition | undefined {
  if (cursor === undefined) return undefined;
  const decoded = decodeCursor(cursor);
  if (!decoded) throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, [{ path, constraints: [`${path} is not a valid cursor`] }]);
  return decoded;
}
