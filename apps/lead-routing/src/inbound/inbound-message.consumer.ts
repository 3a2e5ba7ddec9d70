import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventEnvelope, InboundMessageData, Topics } from '@crm/contracts';
import type { ConsumedMessage } from '@crm/messaging';
import { consumerPattern } from '@crm/service-kit';
import { RouteInboundMessageCommand } from '../route-inbound-message/route-inbound-message.command';
import { RouteInboundMessageUseCase } from '../route-inbound-message/route-inbound-message.usecase';

type InboundEnvelope = EventEnvelope<InboundMessageData>;

export const INBOUND_CONSUMER_GROUP = 'lead-routing.inbound';

/**
 * channels.inbound.v1 → RouteInboundMessageUseCase. Messages of one chat share a key, hence a partition, and are
 * handled in order; the runs of the partitions of one fetch are routed in one transaction (batch form across
 * partitions: the use case needs order only within a chat), and if that fails each partition's run is routed on its
 * own, then message by message, so only a poison event reaches the DLQ. Offsets are committed after
 * the transaction; a Postgres outage pauses the partition (see classifyConsumerError). Batch size, partition
 * concurrency and session timeout come from the config (leadRoutingService.consumerTuning).
 */
@Controller()
export class InboundMessageConsumer {
  constructor(private readonly routeInbound: RouteInboundMessageUseCase) {}

  @EventPattern(Topics.ChannelsInbound, consumerPattern({ groupId: INBOUND_CONSUMER_GROUP, dataClass: InboundMessageData, batch: true, batchAcrossPartitions: true }))
  async handle(@Payload() messages: ConsumedMessage<InboundEnvelope>[]): Promise<void> {
    await this.routeInbound.execute(messages.map(toCommand));
  }
}

function toCommand(message: ConsumedMessage<InboundEnvelope>): RouteInboundMessageCommand {
  const envelope = message.value;
  // channelId is required on message.inbound envelopes (checked by decodeEnvelope).
  return new RouteInboundMessageCommand(envelope.id, envelope.accountId, envelope.channelId!, envelope.data);
}
