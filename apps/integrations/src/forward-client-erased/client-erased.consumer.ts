import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CrmEventData, decodeEnvelope, parseJsonValue, Topics, type EventEnvelope } from '@crm/contracts';
import { consumerPattern } from '@crm/service-kit';
import { ForwardClientErasedCommand } from './forward-client-erased.command';
import { ForwardClientErasedUseCase } from './forward-client-erased.usecase';

type ErasedEnvelope = EventEnvelope<CrmEventData> | null;

export const CLIENT_ERASED_CONSUMER_GROUP = 'integrations.client-erased';

/** client.erased from crm.events.v1 → ForwardClientErasedUseCase; every other record of the topic is skipped undecoded. */
@Controller()
export class ClientErasedConsumer {
  constructor(private readonly forward: ForwardClientErasedUseCase) {}

  @EventPattern(
    Topics.CrmEvents,
    consumerPattern<ErasedEnvelope>({
      groupId: CLIENT_ERASED_CONSUMER_GROUP,
      decode: (raw) => (isClientErased(raw) ? decodeEnvelope(raw, CrmEventData, { unknownFields: 'strip' }) : null),
    }),
  )
  async handle(@Payload() value: ErasedEnvelope): Promise<void> {
    if (!value || value.data.kind !== 'client.erased' || !value.data.clientId) return;
    await this.forward.execute(new ForwardClientErasedCommand(value.id, value.accountId, value.data.dialogId, value.data.clientId, value.data.leadId ?? null));
  }
}

/** Whether the record is a client.erased CRM event; anything unreadable is decoded (and dead-lettered) normally. */
function isClientErased(raw: Buffer | null): boolean {
  try {
    const value = parseJsonValue(raw) as { type?: unknown; data?: { kind?: unknown } };
    return value?.type !== 'crm.event' || value?.data?.kind === 'client.erased';
  } catch {
    return true;
  }
}
