import { Inject, Injectable } from '@nestjs/common';
import { decodeEnvelope, EventEnvelope, InboundMessageData, Topics } from '@crm/contracts';
import type { ConsumedMessage, ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer } from '@crm/service-kit';
import { LeadRoutingConfig } from '../config/lead-routing.config';
import { RouteInboundMessageCommand } from '../route-inbound-message/route-inbound-message.command';
import { RouteInboundMessageUseCase } from '../route-inbound-message/route-inbound-message.usecase';

type InboundEnvelope = EventEnvelope<InboundMessageData>;

/**
 * channels.inbound.v1 → RouteInboundMessageUseCase. Messages of one chat share a key, hence a partition, and are
 * handled in order; a run of one partition's messages is routed in one transaction, and if that fails the runner
 * replays the run message by message so only a poison event reaches the DLQ. Offsets are committed after the
 * transaction; a Postgres outage pauses the partition (see classifyConsumerError).
 */
@Injectable()
export class InboundMessageConsumer extends ManagedConsumer<InboundEnvelope> {
  constructor(
    private readonly routeInbound: RouteInboundMessageUseCase,
    @Inject(LeadRoutingConfig) private readonly config: LeadRoutingConfig,
  ) {
    super();
  }

  protected consumerOptions(): ConsumerRunnerOptions<InboundEnvelope> {
    return {
      groupId: 'lead-routing.inbound',
      topics: [Topics.ChannelsInbound],
      decode: (raw) => decodeEnvelope(raw, InboundMessageData),
      handle: async (message) => void (await this.routeInbound.execute([toCommand(message)])),
      handleBatch: async (messages) => void (await this.routeInbound.execute(messages.map(toCommand))),
      maxBatchSize: this.config.ROUTING_BATCH_SIZE,
      partitionsConsumedConcurrently: this.config.ROUTING_PARTITION_CONCURRENCY,
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
    };
  }
}

function toCommand(message: ConsumedMessage<InboundEnvelope>): RouteInboundMessageCommand {
  const envelope = message.value;
  // channelId is required on message.inbound envelopes (checked by decodeEnvelope).
  return new RouteInboundMessageCommand(envelope.id, envelope.accountId, envelope.channelId!, envelope.data);
}
