import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { CHANNEL_HEALTH_TYPE, ChannelHealthData, decodeEnvelope, type EventEnvelope, recordEventType, Topics } from '@crm/contracts';
import { consumerPattern, LOGGER } from '@crm/service-kit';
import { ApplyChannelHealthUseCase } from './apply-channel-health/apply-channel-health.usecase';

/** A record of channels.status.v1 this consumer acts on, or null for the other types sharing the topic. */
type HealthRecord = EventEnvelope<ChannelHealthData> | null;

export const CHANNEL_HEALTH_CONSUMER_GROUP = 'api.channel-health';

/**
 * Consumes connectors' `channel.health` reports (group api.channel-health). The topic also carries `message.status`
 * (another consumer group handles those): every other type is skipped without being decoded as health.
 */
@Controller()
export class ChannelHealthConsumer {
  constructor(
    private readonly applyHealth: ApplyChannelHealthUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(
    Topics.ChannelsStatus,
    consumerPattern<HealthRecord>({
      groupId: CHANNEL_HEALTH_CONSUMER_GROUP,
      decode: (raw, message) =>
        recordEventType(raw, message.headers) === CHANNEL_HEALTH_TYPE ? decodeEnvelope(raw, ChannelHealthData, { unknownFields: 'strip' }) : null,
    }),
  )
  async handle(@Payload() value: HealthRecord): Promise<void> {
    if (!value) return;
    const outcome = await this.applyHealth.execute(value);
    if (outcome === 'status-changed' || outcome === 'unknown-channel') {
      this.logger.info({ channelId: value.channelId, health: value.data.status, causeCode: value.data.causeCode, outcome }, 'channel health report applied');
    }
  }
}
