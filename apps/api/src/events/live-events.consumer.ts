import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { decodeKnownEnvelope, Topics } from '@crm/contracts';
import type { ConsumerRunnerOptions } from '@crm/messaging';
import { ManagedConsumer, SERVICE_CONFIG } from '@crm/service-kit';
import type { ApiConfig } from '../config/api.config';
import { toLiveEvent, type LiveEvent } from './live-event';
import { LiveEventHub } from './live-event.hub';

/**
 * Feeds GET /api/v1/events: crm.events.v1 and channels.status.v1 in a consumer group of THIS api instance (unique
 * suffix, starting at the end of the topics), so every instance sees every event and writes it to its own SSE
 * connections of the right account. A read-only observer: what it cannot decode it skips — it never dead-letters
 * (the topics' owners do).
 */
@Injectable()
export class LiveEventsConsumer extends ManagedConsumer<LiveEvent | null> {
  private readonly group: string;

  constructor(
    private readonly hub: LiveEventHub,
    @Inject(SERVICE_CONFIG) config: ApiConfig,
  ) {
    super();
    const instance = (config.SERVICE_INSTANCE_ID ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60);
    this.group = `api.live-events.${instance}-${randomBytes(4).toString('hex')}`;
  }

  get groupId(): string {
    return this.connection.groupId(this.group);
  }

  protected consumerOptions(): ConsumerRunnerOptions<LiveEvent | null> {
    return {
      groupId: this.group,
      topics: [Topics.CrmEvents, Topics.ChannelsStatus],
      fromBeginning: false,
      decode: (raw) => {
        try {
          return toLiveEvent(decodeKnownEnvelope(raw));
        } catch {
          return null;
        }
      },
      handle: async ({ value }) => void (value && this.hub.publish(value)),
      handleBatch: async (messages) => {
        for (const { value } of messages) if (value) this.hub.publish(value);
      },
      maxBatchSize: 500,
    };
  }
}
