import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CrmEventData, decodeEnvelope, parseJsonValue, Topics, type EventEnvelope } from '@crm/contracts';
import { FORWARDED_EVENT_KINDS } from '@crm/crm-port';
import type { ConsumedMessage } from '@crm/messaging';
import { consumerPattern } from '@crm/service-kit';
import { IngestCrmEventCommand } from './ingest-crm-events.command';
import { IngestCrmEventsUseCase } from './ingest-crm-events.usecase';

type CrmEnvelope = EventEnvelope<CrmEventData>;

export const CRM_EVENTS_CONSUMER_GROUP = 'integrations.crm-events';

/**
 * crm.events.v1 → IngestCrmEventsUseCase, a run of one partition's events per transaction (the transport replays a
 * failed run event by event, so only a poison one is dead-lettered). Events of kinds this service does not forward
 * (dialog.*, message.status, its own sync.updated, kinds a newer producer added) are skipped, never dead-lettered.
 */
@Controller()
export class CrmEventsConsumer {
  constructor(private readonly ingest: IngestCrmEventsUseCase) {}

  @EventPattern(
    Topics.CrmEvents,
    consumerPattern<CrmEnvelope | null>({
      groupId: CRM_EVENTS_CONSUMER_GROUP,
      // Fields a newer producer added are stripped, not rejected (DESIGN §6).
      decode: (raw) => (forwardedKind(raw) ? decodeEnvelope(raw, CrmEventData, { unknownFields: 'strip' }) : null),
      batch: true,
      maxBatchSize: 1000,
      partitionsConsumedConcurrently: 3,
    }),
  )
  async handle(@Payload() messages: ConsumedMessage<CrmEnvelope | null>[]): Promise<void> {
    await this.ingest.execute(toCommands(messages));
  }
}

/** Whether the record is a CRM event of a forwarded kind; anything unreadable is decoded (and dead-lettered) normally. */
function forwardedKind(raw: Buffer | null): boolean {
  try {
    const value = parseJsonValue(raw) as { type?: unknown; data?: { kind?: unknown } };
    return value?.type !== 'crm.event' || FORWARDED_EVENT_KINDS.has(String(value?.data?.kind));
  } catch {
    return true;
  }
}

function toCommands(messages: ConsumedMessage<CrmEnvelope | null>[]): IngestCrmEventCommand[] {
  return messages
    .filter((m): m is ConsumedMessage<CrmEnvelope> => m.value !== null)
    .map(({ value }) => new IngestCrmEventCommand(value.id, value.accountId, value.channelId ?? null, new Date(value.occurredAt), value.data));
}
