import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@crm/contracts';
import { consumerPattern, KafkaRecordContext } from '@crm/service-kit';
import { ConfirmReplyUseCase } from './confirm-reply/confirm-reply.usecase';
import { decodeWidgetRecord, WidgetRecord } from './widget-envelope.filter';

export const REPLY_CONSUMER_GROUP = 'connector-widget.replies';

/**
 * channels.outbound.v1 in one consumer group shared by every connector-widget instance: each agent reply to a widget
 * visitor is confirmed (`sent` on channels.status.v1) exactly by one instance, in order per chat, committed after.
 * Live delivery to the visitor's open pages is the fan-out consumer's job (every instance).
 */
@Controller()
export class ReplyConsumer {
  constructor(private readonly confirmReply: ConfirmReplyUseCase) {}

  @EventPattern(Topics.ChannelsOutbound, consumerPattern({ groupId: REPLY_CONSUMER_GROUP, decode: (raw) => decodeWidgetRecord(raw) }))
  async handle(@Payload() record: WidgetRecord, @Ctx() ctx: KafkaRecordContext): Promise<void> {
    if (record.kind !== 'reply') return;
    const { envelope } = record;
    await this.confirmReply.execute({
      accountId: envelope.accountId,
      channelId: envelope.channelId!,
      messageId: envelope.data.messageId,
      externalChatId: envelope.data.externalChatId,
      correlationId: ctx.correlationId,
    });
  }
}
