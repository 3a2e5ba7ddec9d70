import { Injectable } from '@nestjs/common';
import { CHANNEL_HEALTH_TYPE, ChannelHealthData, decodeEnvelope, type EventEnvelope, HEADER_EVENT_TYPE, parseJsonValue, readHeader, Topics } from '@crm/contracts';
import type { ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer } from '@crm/service-kit';
import { ApplyChannelHealthUseCase } from './apply-channel-health/apply-channel-health.usecase';

/** A record of channels.status.v1 this consumer acts on, or null for the other types sharing the topic. */
type HealthRecord = EventEnvelope<ChannelHealthData> | null;

/**
 * Consumes connectors' `channel.health` reports (group api.channel-health). The topic also carries `message.status`
 * (another consumer group handles those): every other type is skipped without being decoded as health.
 */
@Injectable()
export class ChannelHealthConsumer extends ManagedConsumer<HealthRecord> {
  constructor(private readonly applyHealth: ApplyChannelHealthUseCase) {
    super();
  }

  protected consumerOptions(): ConsumerRunnerOptions<HealthRecord> {
    return {
      groupId: 'api.channel-health',
      topics: [Topics.ChannelsStatus],
      decode: (raw, message) => {
        const type = readHeader(message.headers, HEADER_EVENT_TYPE) ?? typeOf(raw);
        if (type !== CHANNEL_HEALTH_TYPE) return null;
        return decodeEnvelope(raw, ChannelHealthData);
      },
      handle: async ({ value }) => {
        if (!value) return;
        const outcome = await this.applyHealth.execute(value);
        if (outcome === 'status-changed' || outcome === 'unknown-channel') {
          this.logger.info({ channelId: value.channelId, health: value.data.status, causeCode: value.data.causeCode, outcome }, 'channel health report applied');
        }
      },
    };
  }
}

/** The envelope type read from the value when a producer did not set the header. */
function typeOf(raw: Buffer | null): string | undefined {
  try {
    const parsed = parseJsonValue(raw) as { type?: unknown };
    return typeof parsed?.type === 'string' ? parsed.type : undefined;
  } catch {
    return undefined;
  }
}
