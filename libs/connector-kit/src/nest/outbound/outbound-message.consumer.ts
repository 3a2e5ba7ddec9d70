import { Controller, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { type ChannelType, decodeEnvelope, type EventEnvelope, HEADER_CORRELATION_ID, OutboundMessageData, Topics } from '@crm/contracts';
import type { ConsumedMessage } from '@crm/messaging';
import { consumerPattern, type ConsumerTuning } from '@crm/service-kit';
import { runChatsInOrder } from '../../core/outbound/run-chats-in-order';
import { recordChannelType } from '../../core/registry/record-channel-type';
import { SendOutboundMessageUseCase } from './send-outbound-message.usecase';

/** A record of channels.outbound.v1: a send command of this connector's type, or another type's (null, skipped). */
export type OutboundRecord = EventEnvelope<OutboundMessageData> | null;

/** The consumer group of a connector's outbound consumer. */
export function outboundConsumerGroup(channelType: ChannelType): string {
  return `connector-${channelType}.outbound`;
}

/**
 * The outbound consumer of one channel type, as a Nest handler class (a decorator's group id is fixed when the class
 * is defined, so the class is made per type): channels.outbound.v1 in group `connector-<type>.outbound`. Other types
 * are skipped by the record's x-channel-type header (older records: a peek at `data.channelType`) before any
 * validation. A run of records from one partition is sent chat by chat — each chat in order, chats concurrently —
 * and committed once all are handled; a failure stops only its chat, and the run is replayed only after every chat
 * has finished, so nothing is still in flight when the transport replays it (the delivery log keeps handled messages
 * from going out twice).
 */
export function outboundMessageConsumerFor(channelType: ChannelType, tuning: ConsumerTuning): Type<unknown> {
  const decode = (raw: Buffer | null, headers: Parameters<typeof recordChannelType>[0]): OutboundRecord =>
    recordChannelType(headers, raw) === channelType ? decodeEnvelope(raw, OutboundMessageData, { unknownFields: 'strip' }) : null;

  @Controller()
  class OutboundMessageConsumer {
    constructor(private readonly send: SendOutboundMessageUseCase) {}

    @EventPattern(
      Topics.ChannelsOutbound,
      consumerPattern<OutboundRecord>({
        groupId: outboundConsumerGroup(channelType),
        decode: (raw, message) => decode(raw, message.headers),
        batch: true,
        maxBatchSize: 100,
        ...tuning,
      }),
    )
    async handle(@Payload() messages: ConsumedMessage<OutboundRecord>[]): Promise<void> {
      await runChatsInOrder(messages, (m) => m.key ?? '', (m) => this.deliver(m));
    }

    private async deliver(message: ConsumedMessage<OutboundRecord>): Promise<void> {
      const envelope = message.value;
      if (!envelope) return;
      await this.send.execute({
        accountId: envelope.accountId,
        channelId: envelope.channelId!,
        message: envelope.data,
        correlationId: message.headers[HEADER_CORRELATION_ID],
      });
    }
  }
  return OutboundMessageConsumer;
}
