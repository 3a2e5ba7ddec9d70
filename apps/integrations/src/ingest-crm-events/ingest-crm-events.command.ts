import type { CrmEventData } from '@crm/contracts';

/** One CRM event of crm.events.v1, as the consumer hands it over. */
export class IngestCrmEventCommand {
  constructor(
    readonly eventId: string,
    readonly accountId: string,
    readonly channelId: string | null,
    readonly occurredAt: Date,
    readonly data: CrmEventData,
  ) {}
}
