import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CrmEventData, decodeEnvelope, parseJsonValue, Topics, type EventEnvelope } from '@crm/contracts';
import { consumerPattern } from '@crm/service-kit';
import { ForwardClientMergedCommand } from './forward-client-merged.command';
import { ForwardClientMergedUseCase } from './forward-client-merged.usecase';

type MergedEnvelope = EventEnvelope<CrmEventData> | null;

export const CLIENT_MERGED_CONSUMER_GROUP = 'integrations.client-merged';

/** client.merged from crm.events.v1 → ForwardClientMergedUseCase; every other record of the topic is skipped undecoded. */
@Controller()
export class ClientMergedConsumer {
  constructor(private readonly forward: ForwardClientMergedUseCase) {}

  @EventPattern(
    Topics.CrmEvents,
    consumerPattern<MergedEnvelope>({
      groupId: CLIENT_MERGED_CONSUMER_GROUP,
      decode: (raw) => (isClientMerged(raw) ? decodeEnvelope(raw, CrmEventData, { unknownFields: 'strip' }) : null),
    }),
  )
  async handle(@Payload() value: MergedEnvelope): Promise<void> {
    const data = value?.data;
    if (!value || !data || data.kind !== 'client.merged' || !data.clientId || !data.mergedClientId) return;
    await this.forward.execute(new ForwardClientMergedCommand(value.id, value.accountId, data.clientId, data.mergedClientId, data.leadId ?? null));
  }
}

/** Whether the record is a client.merged CRM event; anything unreadable is decoded (and dead-lettered) normally. */
function isClientMerged(raw: Buffer | null): boolean {
  try {
    const value = parseJsonValue(raw) as { type?: unknown; data?: { kind?: unknown } };
    return value?.type !== 'crm.event' || value?.data?.kind === 'client.merged';
  } catch {
    return true;
  }
}
