import { Injectable } from '@nestjs/common';
import {
  chatKey,
  createEnvelope,
  DeliveryStatus,
  encodeEnvelope,
  eventHeaders,
  InboundMessageData,
  MessageStatusData,
  Topics,
} from '@crm/contracts';
import { EventProducer } from '@crm/messaging';

export interface StatusReport {
  accountId: string;
  channelId: string;
  externalChatId: string;
  messageId: string;
  status: DeliveryStatus;
  errorCode?: string;
  errorMessage?: string;
  at?: Date;
}

/** Puts the widget's events on Kafka (validated against the contracts; resolves only after acks=all). */
@Injectable()
export class WidgetEventPublisher {
  constructor(private readonly producer: EventProducer) {}

  /** A visitor's message on channels.inbound.v1, like every other channel's. */
  async inbound(accountId: string, channelId: string, data: InboundMessageData, correlationId?: string): Promise<void> {
    const envelope = createEnvelope('message.inbound', data, { accountId, channelId });
    await this.producer.send(Topics.ChannelsInbound, [
      { key: chatKey(channelId, data.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope, correlationId) },
    ]);
  }

  /** Delivery status of agent replies on channels.status.v1 (one request for all of them). */
  async statuses(reports: StatusReport[], correlationId?: string): Promise<void> {
    if (reports.length === 0) return;
    await this.producer.send(
      Topics.ChannelsStatus,
      reports.map((r) => {
        const data: MessageStatusData = {
          messageId: r.messageId,
          externalChatId: r.externalChatId,
          // The widget has no platform of its own: a reply's id on "the platform" is our message id.
          externalMessageId: r.messageId,
          status: r.status,
          ...(r.errorCode ? { errorCode: r.errorCode } : {}),
          ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
          at: (r.at ?? new Date()).toISOString(),
        };
        const envelope = createEnvelope('message.status', data, { accountId: r.accountId, channelId: r.channelId });
        return { key: chatKey(r.channelId, r.externalChatId), value: encodeEnvelope(envelope), headers: eventHeaders(envelope, correlationId) };
      }),
    );
  }
}
