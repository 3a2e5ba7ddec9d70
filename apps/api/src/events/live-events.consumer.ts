import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { decodeKnownEnvelope, Topics } from '@crm/contracts';
import type { ConsumedMessage } from '@crm/messaging';
import { classifyConsumerError, consumerPattern, LOGGER } from '@crm/service-kit';
import { toLiveEvent, type LiveEventDraft } from './live-event';
import { RecordLiveEventsUseCase } from './record-live-events/record-live-events.usecase';

export const LIVE_EVENTS_CONSUMER_GROUP = 'api.live-events';

/** What the live stream shows of a record; anything it cannot decode is not an event for the stream (null). */
function decodeLiveEvent(raw: Buffer | null): LiveEventDraft | null {
  try {
    return toLiveEvent(decodeKnownEnvelope(raw, { unknownFields: 'strip' }));
  } catch {
    return null;
  }
}

/**
 * Feeds GET /api/v1/events: crm.events.v1 and channels.status.v1 in ONE consumer group shared by every api instance;
 * each event is recorded once in the durable sequence (live_events), from which every instance streams to its own
 * connections. A read-only observer: what it cannot decode it skips, and it never dead-letters (the topics' owners do)
 * — only an outage of our own database holds it (the partition pauses until the write goes through).
 */
@Controller()
export class LiveEventsConsumer {
  constructor(
    private readonly record: RecordLiveEventsUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @EventPattern(
    [Topics.CrmEvents, Topics.ChannelsStatus],
    consumerPattern<LiveEventDraft | null>({
      groupId: LIVE_EVENTS_CONSUMER_GROUP,
      fromBeginning: false,
      decode: decodeLiveEvent,
      batch: true,
      maxBatchSize: 500,
    }),
  )
  async handle(@Payload() messages: ConsumedMessage<LiveEventDraft | null>[]): Promise<void> {
    const drafts = messages.flatMap((m) => (m.value ? [m.value] : []));
    try {
      await this.record.execute(drafts);
    } catch (err) {
      const disposition = classifyConsumerError(err);
      if (disposition === 'infrastructure' || disposition === 'transient') throw err;
      this.logger.error({ err, events: drafts.length, offset: messages[0]?.offset }, 'live events not recorded; skipped');
    }
  }
}
