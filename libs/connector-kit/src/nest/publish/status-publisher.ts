import { Injectable } from '@nestjs/common';
import { chatKey, createEnvelope, encodeEnvelope, eventHeaders, type MessageStatusData, Topics } from '@crm/contracts';
import { EventProducer } from '@crm/messaging';

/** An outbound message's outcome on channels.status.v1 (`message.status`, key `channelId:externalChatId`), acks=all. */
@Injectable()
export class StatusPublisher {
  constructor(private readonly producer: EventProducer) {}

  async publish(target: { accountId: string; channelId: string }, status: MessageStatusData, correlationId?: string): Promise<void> {
    const envelope = createEnvelope('message.status', status, target);
    await this.producer.send(Topics.ChannelsStatus, [
      { key: chatKey(target.channelId, status.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope, correlationId) },
    ]);
  }
}
