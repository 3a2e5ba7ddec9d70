import { Injectable } from '@nestjs/common';
import { WidgetChannelDirectory } from '../../channels/widget-channel.port';
import { WidgetEventPublisher } from '../widget-event.publisher';
import { ConfirmReplyCommand } from './confirm-reply.command';

export const WIDGET_CHANNEL_UNAVAILABLE = 'WIDGET_CHANNEL_UNAVAILABLE';

/**
 * An agent reply to a widget visitor is "sent" as soon as it is ours to deliver: the api stored it in the visitor's
 * dialog (so the visitor gets it live now, or from history on the next visit — an offline visitor loses nothing).
 * A reply for a channel that is gone or switched off fails with WIDGET_CHANNEL_UNAVAILABLE.
 */
@Injectable()
export class ConfirmReplyUseCase {
  constructor(
    private readonly channels: WidgetChannelDirectory,
    private readonly publisher: WidgetEventPublisher,
  ) {}

  async execute(command: ConfirmReplyCommand): Promise<'sent' | 'failed'> {
    const channel = await this.channels.findActiveById(command.accountId, command.channelId);
    const base = { accountId: command.accountId, channelId: command.channelId, externalChatId: command.externalChatId, messageId: command.messageId };
    if (!channel) {
      await this.publisher.statuses(
        [{ ...base, status: 'failed', errorCode: WIDGET_CHANNEL_UNAVAILABLE, errorMessage: 'The widget channel is deleted or inactive' }],
        command.correlationId,
      );
      return 'failed';
    }
    await this.publisher.statuses([{ ...base, status: 'sent' }], command.correlationId);
    return 'sent';
  }
}
