import { Injectable } from '@nestjs/common';
import { HEADER_CORRELATION_ID, Topics } from '@crm/contracts';
import { ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer } from '@crm/service-kit';
import { ConfirmReplyUseCase } from './confirm-reply/confirm-reply.usecase';
import { decodeWidgetRecord, WidgetRecord } from './widget-envelope.filter';

export const REPLY_CONSUMER_GROUP = 'connector-widget.replies';

/**
 * channels.outbound.v1 in one consumer group shared by every connector-widget instance: each agent reply to a widget
 * visitor is confirmed (`sent` on channels.status.v1) exactly by one instance, in order per chat, committed after.
 * Live delivery to the visitor's open pages is the fan-out consumer's job (every instance).
 */
@Injectable()
export class ReplyConsumer extends ManagedConsumer<WidgetRecord> {
  constructor(private readonly confirmReply: ConfirmReplyUseCase) {
    super();
  }

  protected consumerOptions(): ConsumerRunnerOptions<WidgetRecord> {
    return {
      groupId: REPLY_CONSUMER_GROUP,
      topics: [Topics.ChannelsOutbound],
      decode: (raw) => decodeWidgetRecord(raw),
      handle: async (message) => {
        if (message.value.kind !== 'reply') return;
        const { envelope } = message.value;
        await this.confirmReply.execute({
          accountId: envelope.accountId,
          channelId: envelope.channelId!,
          messageId: envelope.data.messageId,
          externalChatId: envelope.data.externalChatId,
          correlationId: message.headers[HEADER_CORRELATION_ID],
        });
      },
    };
  }
}
